// A physical interrupt passed through to the guest: the kernel signals the VMM's
// notification (its badge bit, routed here by the exit loop) and masks the line; the
// VMM injects it; after the guest's EOI the vGIC calls acknowledge(), which unmasks the
// line (IrqAck) so it can fire again.
#pragma once

#include <vmm/device.hpp>
#include <vmm/list_registers.hpp>
#include <vmm/vgic_distributor.hpp>

#include <runtime/capabilities.hpp>

class PassthroughIrq final : public vmm::IrqAcknowledger, public vmm::NotificationHandler {
public:
    PassthroughIrq() = default;
    PassthroughIrq(unsigned irq, runtime::IrqHandlerCap cap, uint64_t badge,
                   vmm::VgicDistributor& vgic)
        : irq_(irq), cap_(cap), badge_(badge), vgic_(&vgic) {}

    [[nodiscard]] unsigned irq() const { return irq_; }
    [[nodiscard]] uint64_t badge() const { return badge_; }
    // The line fired: it stays masked until the guest's EOI.
    void notified(uint64_t) override {
        awaiting_eoi_ = true;
        (void)vgic_->inject(irq_, 0);
    }
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
    vmm::VgicDistributor* vgic_ = nullptr;
    bool awaiting_eoi_ = false;
};
