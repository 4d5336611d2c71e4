// kernel_two_vms_on_two_cores: two VMs — each a bare-metal guest (vcpu_guest.S) on its own
// vCPU with its own VMM (vcpu_vmm.cpp, kStay) — pinned to cores 1 and 2, while a
// priority-255 spinner (cross_core.cpp) never yields core 0. Both VMs pass their checks:
// each core's list registers, virtual timer and EL1 state serve its own guest.
#include "components/cross_core_slots.hpp"
#include "components/vcpu_slots.hpp"
#include "systems/test_system.hpp"

#include <string>

int main(int argc, char** argv) {
    return test_system::run(argc, argv, 3, [](const test_system::Args& a) {
        image::SystemBuilder sys(test_system::board());
        for (uint32_t core = 1; core <= 2; ++core) {
            const std::string n = std::to_string(core);
            const auto exits = sys.add_endpoint("exits" + n);
            const auto guest = sys.add_domain("guest" + n);
            const auto entry = sys.load_elf(guest, a.components[1]);
            sys.map_gicv(guest, base::GuestPhysAddr{vcpu_test::kGuestGicc});
            const auto vcpu = sys.add_vcpu(guest, {.name = "vcpu" + n,
                                                   .priority = 100,
                                                   .exit_endpoint = exits,
                                                   .badge = vcpu_test::kFirstBadge,
                                                   .entry = base::GuestPhysAddr{entry.raw()},
                                                   .core = core});
            const auto vmm = sys.add_domain("vmm" + n);
            using test_system::expect_slot;
            expect_slot(sys.give_cap(vmm, image::endpoint_cap(exits, 0, spec::CapReceive)),
                        vcpu_test::kExitSlot);
            expect_slot(sys.give_cap(vmm, image::vcpu_cap(vcpu)), vcpu_test::kVcpuSlot);
            expect_slot(sys.give_cap(vmm, image::system_control_cap()), vcpu_test::kPowerSlot);
            sys.add_thread(vmm, {.name = "vmm" + n,
                                 .priority = 50,
                                 .entry = sys.load_elf(vmm, a.components[0]),
                                 .arg = vcpu_test::kStay,
                                 .core = core});
        }
        const auto spin = sys.add_domain("spinner");
        sys.add_thread(spin, {.name = "spinner",
                              .priority = 255,
                              .entry = sys.load_elf(spin, a.components[2]),
                              .arg = cross_core::Spinner,
                              .core = 0});
        sys.pack(a.kernel, a.out);
    });
}
