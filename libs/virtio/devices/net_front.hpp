// What the VMM's virtio-net devices have in common, whatever their backend: a NetDevice
// behind a front (front.hpp: virtio-mmio or virtio-pci, with its SPI), and a hook the
// backend runs after every register write and backend notification (pump()).
#pragma once

#include "front.hpp"

#include <virtio/net.hpp>
#include <vmm/device.hpp>

#include <cstddef>
#include <optional>
#include <string_view>

namespace virtio {

// The MAC of the `index`th device of a type: `prefix` with the last byte index + 1.
[[nodiscard]] MacAddress net_mac(MacAddress prefix, std::size_t index);

class NetFront : public vmm::Device, public TransportListener {
public:
    // `backend` is only stored here (a derived class may construct it later).
    NetFront(vmm::DeviceContext& ctx, MacAddress mac, NetBackend& backend);

    bool add_dtb_nodes(vmm::GuestDtbWriter& dtb) override;
    void notified(uint64_t bits) override;
    void reset() override;
    void guest_wrote() override { pump(); }

    // Places the device (SPI, window or PCI slot) and logs `<name>: virtio-net over
    // <transport, SPI>, MAC <mac>, <what>`; false (logged) when it cannot.
    [[nodiscard]] bool install(vmm::DeviceContext& ctx, TransportKind kind, std::string_view what);

protected:
    ~NetFront() = default;
    // The backend's work after a register write or a notification.
    virtual void pump() = 0;
    // Guest reset: the backend forgets the old guest.
    virtual void backend_reset() = 0;
    [[nodiscard]] NetDevice& net() { return net_; }
    [[nodiscard]] vmm::LogSink& log() { return log_; }
    [[nodiscard]] std::string_view name() const { return name_; }

private:
    vmm::LogSink& log_;
    std::string_view name_;
    MacAddress mac_;
    FrontSlot slot_;
    Front* front_ = nullptr;
    FrontEvents events_;
    NetDevice net_;
};

} // namespace virtio
