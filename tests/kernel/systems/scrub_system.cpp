// kernel_ram_scrub: RAM that QEMU filled with junk before boot reaches its domains as
// zeroes, both a region zeroed at boot and one zeroed on first touch; a chunk touched by
// one domain is not zeroed again when another domain touches it. Stage-2 blocks are
// allowed here even on qemu-arm-virt, so both leaf sizes meet the first-touch path.
#include "components/scrub_slots.hpp"
#include "systems/test_system.hpp"

using namespace scrub_test;

int main(int argc, char** argv) {
    return test_system::run(argc, argv, 1, [](const test_system::Args& a) {
        image::Board board = test_system::board();
        board.stage2_blocks = true;
        image::SystemBuilder sys(board);
        const auto lazy = sys.add_ram_at("lazy", {base::PhysAddr{kLazyPhys}, kLazySize});
        sys.zero_on_first_touch(lazy);
        const auto eager = sys.add_ram_at("eager", {base::PhysAddr{kEagerPhys}, kEagerSize});
        const auto first = sys.add_domain("first");
        const auto second = sys.add_domain("second");
        sys.map(first, lazy, base::VirtAddr{kFirstLazyAt}, image::kRead | image::kWrite);
        sys.map(first, eager, base::VirtAddr{kFirstEagerAt}, image::kRead | image::kWrite);
        sys.map(second, lazy, base::VirtAddr{kSecondLazyAt}, image::kRead,
                spec::Cacheability::WriteBack, 0x1000);
        test_system::expect_slot(sys.give_cap(second, image::system_control_cap()), kPowerSlot);
        sys.add_thread(first, {.name = "first",
                               .priority = 20,
                               .entry = sys.load_elf(first, a.components[0]),
                               .arg = First});
        sys.add_thread(second, {.name = "second",
                                .priority = 10,
                                .entry = sys.load_elf(second, a.components[0]),
                                .arg = Second});
        sys.pack(a.kernel, a.out);
    });
}
