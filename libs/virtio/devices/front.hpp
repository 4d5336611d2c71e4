// Where a VMM virtio device meets the guest, whatever the transport: virtio-mmio (a
// register window from the VM's device window and an SPI, a `virtio,mmio` node) or
// virtio-pci (a function on the VM's PCI host bridge with INTA# on an SPI). A device type
// is registered once per transport (its name, and the name with `_pci`); the device model
// behind it is the same.
#pragma once

#include <virtio/device.hpp>
#include <virtio/transport_core.hpp>
#include <vmm/device.hpp>
#include <vmm/log.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace virtio {

enum class TransportKind : uint8_t { Mmio, Pci };

class Front {
public:
    // Its transport: DeviceEvents for the model, attach(), reset().
    [[nodiscard]] virtual TransportCore& transport() = 0;
    [[nodiscard]] virtual bool add_dtb_nodes(vmm::GuestDtbWriter& dtb) = 0;
    // "virtio-mmio at 0x3fff0000, SPI 32" / "virtio-pci at 00:01.0, SPI 33"
    virtual void describe(vmm::LogLine& line) const = 0;

protected:
    ~Front() = default;
};

// A device model is built before its front (it needs a DeviceEvents): its events go
// through here to the front's transport once there is one.
class FrontEvents final : public DeviceEvents {
public:
    void used_buffers(unsigned queue) override {
        if (to_ != nullptr) to_->used_buffers(queue);
    }
    void config_changed() override {
        if (to_ != nullptr) to_->config_changed();
    }
    void needs_reset(unsigned queue, QueueError error) override {
        if (to_ != nullptr) to_->needs_reset(queue, error);
    }
    void connect(DeviceEvents& to) { to_ = &to; }

private:
    DeviceEvents* to_ = nullptr;
};

// Static room for one front of either kind.
class FrontSlot {
public:
    static constexpr std::size_t kBytes = 2048; // the larger front (front.cpp checks)

    // Takes an SPI and a place (a window, or a PCI slot) for `model`, registers its
    // registers, attaches the model and connects `events` and `listener` to the transport;
    // nullptr after logging why not.
    [[nodiscard]] Front* make(vmm::DeviceContext& ctx, TransportKind kind, DeviceModel& model,
                              FrontEvents& events, TransportListener& listener);

private:
    alignas(std::max_align_t) std::byte storage_[kBytes];
};

} // namespace virtio
