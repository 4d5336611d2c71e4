// kernel_firmware_call: one domain holding a Firmware capability (and a system-control
// one to power off); its component (components/firmware_caller.cpp) tries the calls.
#include "components/firmware_slots.hpp"
#include "systems/test_system.hpp"

int main(int argc, char** argv) {
    return test_system::run(argc, argv, 1, [](const test_system::Args& a) {
        image::SystemBuilder sys(test_system::board());
        const auto d = sys.add_domain("firmware");
        const auto entry = sys.load_elf(d, a.components[0]);
        using test_system::expect_slot;
        expect_slot(sys.give_cap(d, image::firmware_cap()), firmware_test::kFirmwareSlot);
        expect_slot(sys.give_cap(d, image::system_control_cap()), firmware_test::kPowerSlot);
        sys.add_thread(d, {.name = "caller", .priority = 10, .entry = entry});
        sys.pack(a.kernel, a.out);
    });
}
