// kernel_vcpu: a bare-metal EL1 guest (vcpu_guest.S) in a guest domain — its code at
// IPA 0x40000000, the GICV at its GICC, nothing at 0x10000000 — on a vCPU whose exits
// go to a native VMM component (vcpu_vmm.cpp) of lower priority. Extra argument
// `bench`: the guest runs its MMIO round-trip benchmark instead of the checks.
#include "components/vcpu_slots.hpp"
#include "systems/test_system.hpp"

int main(int argc, char** argv) {
    const bool bench = argc > 5 && std::string(argv[5]) == "bench";
    return test_system::run(bench ? argc - 1 : argc, argv, 2, [&](const test_system::Args& a) {
        image::SystemBuilder sys(test_system::board());
        const uint64_t mode = bench ? 1 : 0;
        const auto guest = sys.add_domain("guest");
        const auto entry = sys.load_elf(guest, a.components[1]);
        sys.map_gicv(guest, base::GuestPhysAddr{vcpu_test::kGuestGicc});
        const auto exits = sys.add_endpoint("exits");
        const auto v = sys.add_vcpu(guest, {.name = "vcpu0",
                                            .priority = 100,
                                            .exit_endpoint = exits,
                                            .badge = 7,
                                            .entry = base::GuestPhysAddr{entry.raw()},
                                            .arg = mode});
        const auto vmm = sys.add_domain("vmm");
        const auto vmm_entry = sys.load_elf(vmm, a.components[0]);
        test_system::expect_slot(sys.give_cap(vmm, image::endpoint_cap(exits, 0, spec::CapReceive)),
                                 vcpu_test::kExitSlot);
        test_system::expect_slot(sys.give_cap(vmm, image::vcpu_cap(v)), vcpu_test::kVcpuSlot);
        test_system::expect_slot(sys.give_cap(vmm, image::system_control_cap()),
                                 vcpu_test::kPowerSlot);
        sys.add_thread(vmm, {.name = "vmm", .priority = 50, .entry = vmm_entry, .arg = mode});
        sys.pack(a.kernel, a.out);
    });
}
