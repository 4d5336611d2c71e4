// The guest's GIC list registers as the VMM drives them. The kernel-side vCPU object
// owns the real GICH_LRn and implements this interface (a test fake records writes).
// The kernel keeps the list registers it uses itself (the virtual timer) out of count().
// The guest's EOIs come back through VgicDistributor::on_eoi.
#pragma once

#include <arch/list_register.hpp>

#include <cstdint>

namespace vmm {

// One list register's meaning; encode() gives the GICH_LR word. The VMM injects
// software interrupts only (HW = 0).
using ListRegisterEntry = arm::gicv2::ListRegister;

// When the kernel tells the VMM of the guest's EOI of a list register (vcpu_abi.hpp): with
// the vCPU's next exit, of whatever kind, or at once in an exit of its own.
enum class EoiReport : uint8_t { WithNextExit, AtOnce };

class ListRegisters {
public:
    // How many list registers this vCPU lends to the VMM.
    [[nodiscard]] virtual unsigned count() const = 0;
    // Programs list register `index` (< count()).
    virtual void write(unsigned index, const ListRegisterEntry& entry, EoiReport report) = 0;
    // The vCPU's next EOI report (of EOIs already made, or else the next ones) comes at once:
    // the VMM needs a list register back soon (an interrupt pending again while it is
    // still in one, or none free).
    virtual void want_eoi_at_once() = 0;

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
