// The guest's GIC list registers as the VMM drives them. The kernel-side vCPU object
// owns the real GICH_LRn and implements this interface (a test fake records writes).
// The kernel keeps the list registers it uses itself (the virtual timer) out of count().
#pragma once

#include <cstdint>

namespace vmm {

// One GICv2 list register's meaning (GICH_LR: VirtualID, CPUID/PhysicalID, EOI,
// Priority[7:3], State, Grp1, HW), independent of the bit layout.
struct ListRegisterEntry {
    enum class State : uint8_t { Pending = 1, Active = 2, PendingActive = 3 };

    uint16_t virq = 0;
    State state = State::Pending;
    uint8_t priority = 0; // 8-bit GIC priority; the hardware keeps bits [7:3]
    bool group1 = false;
    uint8_t source_cpu = 0;      // SGIs: the requesting vCPU (GICH_LR CPUID)
    bool eoi_maintenance = true; // maintenance interrupt when the guest EOIs it

    // The GICH_LR value for this entry (software-injected: HW = 0).
    [[nodiscard]] constexpr uint32_t encode() const {
        return (uint32_t{group1} << 30) | (uint32_t(state) << 28) |
               (uint32_t(priority >> 3) << 23) | (uint32_t{eoi_maintenance} << 19) |
               (uint32_t(source_cpu & 7) << 10) | (virq & 0x3ffu);
    }
    constexpr bool operator==(const ListRegisterEntry&) const = default;
};

class ListRegisters {
public:
    // How many list registers this vCPU lends to the VMM.
    [[nodiscard]] virtual unsigned count() const = 0;
    // Programs list register `index` (< count()).
    virtual void write(unsigned index, const ListRegisterEntry& entry) = 0;

protected:
    ~ListRegisters() = default;
};

// Told when the guest has EOId a passed-through interrupt, so the physical one can be
// acknowledged (unmasked) and fire again.
class IrqAcknowledger {
public:
    virtual void acknowledge(unsigned irq) = 0;

protected:
    ~IrqAcknowledger() = default;
};

} // namespace vmm
