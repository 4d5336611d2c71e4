// libFuzzer target: a guest (or several vCPUs) programming the emulated distributor,
// devices injecting interrupts (edges and level lines) and the guest EOIing them, in any order.
// Invariants: the distributor never overwrites a list register still holding an interrupt, never
// names one beyond count(), and every access stays within its state arrays.
#include <vmm/vgic_distributor.hpp>

#include "checking_list_registers.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    vmm::fuzz::InputReader in(data, size);
    const unsigned num_lrs = 1 + in.take<uint8_t>() % 16;
    const unsigned num_vcpus = 1 + in.take<uint8_t>() % 8;
    const unsigned num_irqs = 32 * (1 + in.take<uint8_t>() % 32);
    vmm::fuzz::CheckingVcpus cpus(num_lrs, num_vcpus);
    vmm::fuzz::NullLog log;
    vmm::VgicDistributor gicd(num_irqs, cpus.span(), log);

    while (!in.empty()) {
        const uint8_t op = in.take<uint8_t>();
        const unsigned vcpu = in.take<uint8_t>() % 9; // 8 is never valid
        const uint16_t offset = in.take<uint16_t>() & 0x1fff;
        const uint32_t value = in.take<uint32_t>();
        const unsigned width = 1u << (op >> 4 & 3);
        switch (op & 3) {
        case 0: {
            uint64_t out = 0;
            (void)gicd.read(offset, width, vcpu, out);
            break;
        }
        case 1:
            (void)gicd.write(offset, width, vcpu, value);
            break;
        case 2: // bit 6: a level line (bit 7 = high), else an edge
            if ((op & 0x40) != 0) {
                (void)gicd.set_level(offset & 0x3ff, (op & 0x80) != 0, vcpu);
            } else {
                (void)gicd.inject(offset & 0x3ff, vcpu);
            }
            break;
        default: {
            // The guest EOIs list register `lr` (if it holds something), then maintenance.
            const unsigned lr = value % 17;
            if (vcpu < num_vcpus && lr < num_lrs) cpus.lrs[vcpu].busy[lr] = false;
            gicd.on_eoi(vcpu, lr);
            break;
        }
        }
    }
    return 0;
}
