// The guest's GIC list registers as the VMM drives them. The kernel-side vCPU object
// owns the real GICH_LRn and implements this interface (a test fake records writes).
// The kernel keeps the list registers it uses itself (the virtual timer) out of count().
#pragma once

#include <arch/list_register.hpp>

#include <cstdint>

namespace vmm {

// One list register's meaning; encode() gives the GICH_LR word. The VMM injects
// software interrupts only (HW = 0).
using ListRegisterEntry = arm::gicv2::ListRegister;

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
