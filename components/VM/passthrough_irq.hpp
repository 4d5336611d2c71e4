// A physical interrupt passed through to the guest: the kernel signals the VMM's
// notification and masks the line; the VMM injects it; after the guest's EOI the vGIC
// calls acknowledge(), which unmasks the line (IrqAck) so it can fire again.
#pragma once

#include <vmm/list_registers.hpp>

#include <runtime/capabilities.hpp>

class PassthroughIrq final : public vmm::IrqAcknowledger {
public:
    PassthroughIrq() = default;
    PassthroughIrq(unsigned irq, runtime::IrqHandlerCap cap, uint64_t badge)
        : irq_(irq), cap_(cap), badge_(badge) {}

    [[nodiscard]] unsigned irq() const { return irq_; }
    [[nodiscard]] uint64_t badge() const { return badge_; }
    // The line fired and was handed to the guest: it stays masked until the EOI.
    void fired() { awaiting_eoi_ = true; }
    void acknowledge(unsigned) override {
        awaiting_eoi_ = false;
        (void)cap_.ack();
    }
    // Guest reset: an interrupt the old guest never EOId must not stay masked.
    void release() {
        if (awaiting_eoi_) acknowledge(irq_);
    }

private:
    unsigned irq_ = 0;
    runtime::IrqHandlerCap cap_{runtime::Slot{0}};
    uint64_t badge_ = 0;
    bool awaiting_eoi_ = false;
};
