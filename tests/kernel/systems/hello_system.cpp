// kernel_boot: the smallest system — one domain, one thread that prints from EL0
// and powers the machine off through its system-control capability. With an extra
// argument `relocated` the board's kernel pool starts at 0x80000000 instead, so the
// same kernel binary runs somewhere else (the packer relocates it).
#include "components/hello_slots.hpp"
#include "systems/test_system.hpp"

int main(int argc, char** argv) {
    const bool relocated = argc > 4 && std::string(argv[4]) == "relocated";
    return test_system::run(relocated ? argc - 1 : argc, argv, 1, [&](const test_system::Args& a) {
        image::Board board = test_system::board();
        if (relocated) board.kernel_pool = base::PhysRange{base::PhysAddr{0x80000000}, 0x40000000};
        image::SystemBuilder sys(board);
        const auto d = sys.add_domain("hello");
        const auto entry = sys.load_elf(d, a.components[0]);
        test_system::expect_slot(sys.give_cap(d, image::system_control_cap()), hello::kPowerSlot);
        sys.add_thread(d, {.name = "hello", .priority = 10, .entry = entry, .arg = 42});
        sys.pack(a.kernel, a.out);
    });
}
