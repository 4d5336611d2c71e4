// The VMM device "virtio_net" (compatible "virtio,mmio"): a virtio-net device model behind
// a virtio-mmio window, with an SPI from the allocator as its level-triggered line and a
// `virtio,mmio` node in the guest DTB. Linked in as an object (see vmm/device.hpp).
#include <virtio/mmio.hpp>
#include <virtio/net.hpp>
#include <vmm/device.hpp>
#include <vmm/mmio_bus.hpp>
#include <vmm/vgic_distributor.hpp>

namespace virtio {
namespace {

// Guest-physical window of the virtio-mmio devices, one 512-byte window each: where QEMU
// virt puts its own (the guest DTB drops those, so nothing else claims it).
// TODO(issue 11): take the window from the VM's configuration instead of this constant.
constexpr uint64_t kWindowBase = 0x0a000000;
constexpr std::size_t kMaxDevices = 4;

// Until a backend is connected (a virtqueue to a component, the ARP responder), frames
// the guest sends are counted as dropped by the backend.
class NoBackend final : public NetBackend {
public:
    bool can_send() override { return true; }
    bool send(std::span<const std::byte> frame) override {
        (void)frame;
        return false;
    }
};

class VirtioNetMmio final : public vmm::Device, public IrqLine {
public:
    VirtioNetMmio(vmm::DeviceContext& ctx, GuestPhysRange window, unsigned spi, MacAddress mac)
        : window_(window), spi_(spi), vgic_(ctx.vgic()), transport_(ctx.name(), *this, ctx.log()),
          net_(ctx.memory(), backend_, transport_, mac) {
        transport_.attach(net_);
    }

    void set_level(bool high) override { (void)vgic_.set_level(spi_, high); }
    bool add_dtb_nodes(vmm::GuestDtbWriter& dtb) override {
        const int node = dtb.add_node("virtio_mmio", window_.base.raw());
        return node >= 0 && dtb.set_string(node, "compatible", "virtio,mmio") &&
               dtb.set_reg(node, window_) && dtb.set_spi(node, spi_, true) &&
               dtb.set_empty(node, "dma-coherent");
    }
    void reset() override { transport_.reset(); }
    [[nodiscard]] VirtioMmio& transport() { return transport_; }

private:
    GuestPhysRange window_;
    unsigned spi_;
    vmm::VgicDistributor& vgic_;
    NoBackend backend_;
    VirtioMmio transport_;
    NetDevice net_;
};

vmm::DeviceStorage<VirtioNetMmio, kMaxDevices> devices;

vmm::Device* create_virtio_net(vmm::DeviceContext& ctx) {
    const std::size_t index = devices.used();
    const std::optional<unsigned> spi = index < kMaxDevices ? ctx.allocate_spi() : std::nullopt;
    if (!spi) {
        vmm::LogLine line;
        line << "vmm: " << ctx.name() << ": no " << (index < kMaxDevices ? "SPI" : "room")
             << " left for a virtio-mmio device";
        line.emit(ctx.log());
        return nullptr;
    }
    const GuestPhysRange window{GuestPhysAddr(kWindowBase + index * mmio::kWindowSize),
                                mmio::kWindowSize};
    // A locally administered MAC per device: 02:00:00:00:00:<n>.
    const MacAddress mac{0x02, 0, 0, 0, 0, static_cast<uint8_t>(index + 1)};
    VirtioNetMmio* device = devices.make(ctx, window, *spi, mac);
    if (device == nullptr || !ctx.mmio().add(ctx.name(), window, device->transport())) {
        return nullptr;
    }
    return device;
}

} // namespace
} // namespace virtio

BULKHEAD_VMM_DEVICE("virtio_net", "virtio,mmio", ::virtio::create_virtio_net);
