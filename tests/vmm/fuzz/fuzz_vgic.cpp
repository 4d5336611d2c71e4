// libFuzzer target: a guest (or several vCPUs) programming the emulated distributor,
// devices injecting interrupts (edges and level lines) and the guest EOIing them, in any order.
// Invariants: the distributor never overwrites a list register still holding an interrupt, never
// names one beyond count(), and every access stays within its state arrays.
#include <arch/gic_v2.hpp>
#include <vmm/vgic_distributor.hpp>

#include "fuzz_support.hpp"

#include <array>

namespace {

class CheckingListRegisters final : public vmm::ListRegisters {
public:
    explicit CheckingListRegisters(unsigned n) : n_(n) {}
    unsigned count() const override { return n_; }
    void write(unsigned index, const vmm::ListRegisterEntry& entry) override {
        if (index >= n_ || busy[index]) __builtin_trap();
        if (entry.virq >= arm::gicv2::kMaxIntids) __builtin_trap();
        busy[index] = true;
    }
    std::array<bool, 16> busy{};

private:
    unsigned n_;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    vmm::fuzz::InputReader in(data, size);
    const unsigned num_lrs = 1 + in.take<uint8_t>() % 16;
    const unsigned num_vcpus = 1 + in.take<uint8_t>() % 8;
    const unsigned num_irqs = 32 * (1 + in.take<uint8_t>() % 32);
    std::array<CheckingListRegisters, 8> lrs{
        CheckingListRegisters(num_lrs), CheckingListRegisters(num_lrs),
        CheckingListRegisters(num_lrs), CheckingListRegisters(num_lrs),
        CheckingListRegisters(num_lrs), CheckingListRegisters(num_lrs),
        CheckingListRegisters(num_lrs), CheckingListRegisters(num_lrs)};
    std::array<vmm::ListRegisters*, 8> vcpus{};
    for (unsigned i = 0; i < num_vcpus; ++i)
        vcpus[i] = &lrs[i];
    vmm::fuzz::NullLog log;
    vmm::VgicDistributor gicd(num_irqs, std::span(vcpus).first(num_vcpus), log);

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
            if (vcpu < num_vcpus && lr < num_lrs) lrs[vcpu].busy[lr] = false;
            gicd.on_eoi(vcpu, lr);
            break;
        }
        }
    }
    return 0;
}
