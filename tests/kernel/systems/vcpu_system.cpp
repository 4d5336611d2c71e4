// kernel_vcpu: a bare-metal EL1 guest (vcpu_guest.S) in a guest domain — its code at
// IPA 0x40000000, the GICV at its GICC, nothing at 0x10000000 — on a vCPU whose exits
// go to a native VMM component (vcpu_vmm.cpp) of lower priority. Extra argument
// `bench`: the guest runs its MMIO round-trip benchmark instead of the checks; `two`:
// two such guests on two vCPUs of equal priority share the core.
#include "components/vcpu_slots.hpp"
#include "systems/test_system.hpp"

#include <string>
#include <vector>

int main(int argc, char** argv) {
    const std::string extra = argc > 5 ? argv[5] : "";
    const bool bench = extra == "bench";
    const bool two = extra == "two";
    return test_system::run(
        extra.empty() ? argc : argc - 1, argv, 2, [&](const test_system::Args& a) {
            image::SystemBuilder sys(test_system::board());
            const auto exits = sys.add_endpoint("exits");
            std::vector<image::VcpuId> vcpus;
            for (unsigned i = 0; i < (two ? 2u : 1u); ++i) {
                const auto guest = sys.add_domain("guest" + std::to_string(i));
                const auto entry = sys.load_elf(guest, a.components[1]);
                sys.map_gicv(guest, base::GuestPhysAddr{vcpu_test::kGuestGicc});
                vcpus.push_back(sys.add_vcpu(guest, {.name = "vcpu" + std::to_string(i),
                                                     .priority = 100,
                                                     .exit_endpoint = exits,
                                                     .badge = vcpu_test::kFirstBadge + i,
                                                     .entry = base::GuestPhysAddr{entry.raw()},
                                                     .arg = bench ? vcpu_test::kBench : 0}));
            }
            const auto vmm = sys.add_domain("vmm");
            const auto vmm_entry = sys.load_elf(vmm, a.components[0]);
            test_system::expect_slot(
                sys.give_cap(vmm, image::endpoint_cap(exits, 0, spec::CapReceive)),
                vcpu_test::kExitSlot);
            test_system::expect_slot(sys.give_cap(vmm, image::vcpu_cap(vcpus[0])),
                                     vcpu_test::kVcpuSlot);
            test_system::expect_slot(sys.give_cap(vmm, image::system_control_cap()),
                                     vcpu_test::kPowerSlot);
            if (two)
                test_system::expect_slot(sys.give_cap(vmm, image::vcpu_cap(vcpus[1])),
                                         vcpu_test::kSecondVcpuSlot);
            const uint64_t flags =
                (bench ? vcpu_test::kBench : 0) | (two ? vcpu_test::kTwoVcpus : 0);
            sys.add_thread(vmm, {.name = "vmm", .priority = 50, .entry = vmm_entry, .arg = flags});
            sys.pack(a.kernel, a.out);
        });
}
