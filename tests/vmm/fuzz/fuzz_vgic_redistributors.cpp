// libFuzzer target: guests programming the vGICv3 — any access (offset, size, frame,
// accessing vCPU) to the redistributor region and the distributor frame, ICC_SGI1R_EL1
// writes with any affinity, devices injecting interrupts and the guest EOIing them.
// Invariants: no list register is overwritten while it holds an interrupt or named beyond
// count(), every access stays inside the state arrays (ASan), and an access beyond the
// last vCPU's frame is refused.
#include <vmm/vgic_redistributors.hpp>
#include <vmm/vgic_v3_distributor.hpp>

#include "checking_list_registers.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    vmm::fuzz::InputReader in(data, size);
    const unsigned num_lrs = 1 + in.take<uint8_t>() % 16;
    const unsigned num_vcpus = 1 + in.take<uint8_t>() % 8;
    const unsigned num_irqs = 32 * (1 + in.take<uint8_t>() % 32);
    vmm::fuzz::CheckingVcpus cpus(num_lrs, num_vcpus);
    vmm::fuzz::NullLog log;
    vmm::VgicDistributor core(num_irqs, cpus.span(), log);
    vmm::VgicV3Distributor dist(core);
    vmm::VgicRedistributors redist(core, log);

    while (!in.empty()) {
        const uint8_t op = in.take<uint8_t>();
        const unsigned vcpu = in.take<uint8_t>() % 9;           // 8 is never valid
        const uint32_t offset = in.take<uint32_t>() & 0x1fffff; // up to 16 frames
        const uint64_t value = in.take<uint64_t>();
        const unsigned width = 1u << (op >> 4 & 3);
        switch (op & 7) {
        case 0: {
            uint64_t out = 0;
            const bool ok = redist.read(offset, width, vcpu, out);
            if (ok && offset >= redist.size()) __builtin_trap();
            break;
        }
        case 1:
            if (redist.write(offset, width, vcpu, value) && offset >= redist.size())
                __builtin_trap();
            break;
        case 2: {
            uint64_t out = 0;
            (void)dist.read(offset & 0xffff, width, vcpu, out);
            break;
        }
        case 3:
            (void)dist.write(offset & 0xffff, width, vcpu, value);
            break;
        case 4:
            if (vcpu < num_vcpus) redist.write_sgi1r(vcpu, value);
            break;
        case 5:
            (void)core.inject(offset & 0x3ff, vcpu);
            break;
        case 6: {
            // The guest EOIs list register `lr` (if it holds something), then maintenance.
            const unsigned lr = value % 17;
            if (vcpu < num_vcpus && lr < num_lrs) cpus.lrs[vcpu].busy[lr] = false;
            core.on_eoi(vcpu, lr);
            break;
        }
        default:
            dist.reset();
            redist.reset();
            break;
        }
    }
    return 0;
}
