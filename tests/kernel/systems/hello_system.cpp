// kernel_boot: the smallest system — one domain, one thread that prints from EL0
// and powers the machine off through its system-control capability.
#include "components/hello_slots.hpp"
#include "systems/test_system.hpp"

int main(int argc, char** argv) {
    return test_system::run(argc, argv, 1, [](const test_system::Args& a) {
        image::SystemBuilder sys(test_system::board());
        const auto d = sys.add_domain("hello");
        const auto entry = sys.load_elf(d, a.components[0]);
        test_system::expect_slot(sys.give_cap(d, image::system_control_cap()), hello::kPowerSlot);
        sys.add_thread(d, {.name = "hello", .priority = 10, .entry = entry, .arg = 42});
        sys.pack(a.kernel, a.out);
    });
}
