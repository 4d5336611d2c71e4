// What the VMM's virtio-net devices have in common, whatever their backend: a NetDevice
// behind a virtio-mmio window from the VM's device window, an SPI from the allocator as
// its level-triggered line, a `virtio,mmio` node in the guest DTB, and a hook the backend
// runs after every register write and backend notification (pump()).
#pragma once

#include <virtio/mmio.hpp>
#include <virtio/net.hpp>
#include <vmm/device.hpp>

#include <cstddef>
#include <optional>
#include <string_view>

namespace vmm {
class VgicDistributor;
}

namespace virtio {

// Where a device goes: its register window, its SPI and its MAC.
struct NetMmioPlace {
    GuestPhysRange window;
    unsigned spi = 0;
    MacAddress mac{};
};

// Takes a window and an SPI for the `index`th device of a type that makes at most `max`;
// nullopt (after logging why) when there is no room. The MAC is `mac_prefix` with the
// last byte index + 1.
[[nodiscard]] std::optional<NetMmioPlace> place_net_mmio(vmm::DeviceContext& ctx, std::size_t index,
                                                         std::size_t max, MacAddress mac_prefix);

class NetMmio : public vmm::Device, public vmm::MmioDevice, public IrqLine {
public:
    // `backend` is only stored here (a derived class may construct it later).
    NetMmio(vmm::DeviceContext& ctx, const NetMmioPlace& place, NetBackend& backend);

    [[nodiscard]] bool read(uint64_t offset, unsigned size, unsigned vcpu,
                            uint64_t& value) override;
    [[nodiscard]] bool write(uint64_t offset, unsigned size, unsigned vcpu,
                             uint64_t value) override;
    void set_level(bool high) override;
    bool add_dtb_nodes(vmm::GuestDtbWriter& dtb) override;
    void notified(uint64_t bits) override;
    void reset() override;

    // Registers the window on the bus and logs `<name>: virtio-net over virtio-mmio at
    // <base>, SPI <n>, MAC <mac>, <what>`; false if the bus refused it.
    [[nodiscard]] bool install(vmm::DeviceContext& ctx, std::string_view what);

protected:
    ~NetMmio() = default;
    // The backend's work after a register write or a notification.
    virtual void pump() = 0;
    // Guest reset: the backend forgets the old guest.
    virtual void backend_reset() = 0;
    [[nodiscard]] NetDevice& net() { return net_; }
    [[nodiscard]] vmm::LogSink& log() { return log_; }
    [[nodiscard]] std::string_view name() const { return name_; }

private:
    NetMmioPlace place_;
    vmm::VgicDistributor& vgic_;
    vmm::LogSink& log_;
    std::string_view name_;
    VirtioMmio transport_;
    NetDevice net_;
};

} // namespace virtio
