// The VMM device "virtio_net" (compatible "virtio,mmio"): a virtio-net device model behind
// a virtio-mmio window from the VM's device window, with an SPI from the allocator as its
// level-triggered line and a `virtio,mmio` node in the guest DTB. With no backend
// connected it answers the guest's ARP requests itself (upstream's `virtio_net` module).
// Linked in as an object (see vmm/device.hpp).
#include <virtio/arp_responder.hpp>
#include <virtio/mmio.hpp>
#include <virtio/net.hpp>
#include <vmm/device.hpp>
#include <vmm/mmio_bus.hpp>
#include <vmm/vgic_distributor.hpp>

namespace virtio {
namespace {

constexpr std::size_t kMaxDevices = 4;

// The registers go through here so that replies the responder queued while the guest
// transmitted reach it once the transmit path has returned (the guest's next kick, of
// either queue, retries what found no receive buffer).
class VirtioNetMmio final : public vmm::Device, public vmm::MmioDevice, public IrqLine {
public:
    VirtioNetMmio(vmm::DeviceContext& ctx, GuestPhysRange window, unsigned spi, MacAddress mac)
        : window_(window), spi_(spi), vgic_(ctx.vgic()), log_(ctx.log()), name_(ctx.name()),
          transport_(ctx.name(), *this, ctx.log()), net_(ctx.memory(), arp_, transport_, mac) {
        transport_.attach(net_);
    }

    [[nodiscard]] bool read(uint64_t offset, unsigned size, unsigned vcpu,
                            uint64_t& value) override {
        return transport_.read(offset, size, vcpu, value);
    }
    [[nodiscard]] bool write(uint64_t offset, unsigned size, unsigned vcpu,
                             uint64_t value) override {
        const bool ok = transport_.write(offset, size, vcpu, value);
        deliver();
        return ok;
    }

    void set_level(bool high) override { (void)vgic_.set_level(spi_, high); }
    bool add_dtb_nodes(vmm::GuestDtbWriter& dtb) override {
        return mmio::add_dtb_node(dtb, window_, spi_);
    }
    void reset() override {
        transport_.reset();
        arp_.reset();
    }

private:
    void deliver() {
        if (arp_.pending() != 0 && arp_.deliver(net_)) net_.backend_ready();
        // The first frame it cannot answer says so; the rest are only counted.
        const ArpCounters& c = arp_.counters();
        const uint64_t ignored = c.not_arp + c.malformed + c.not_request + c.overflow;
        if (ignored != 0 && !told_) {
            told_ = true;
            vmm::LogLine line;
            line << "vmm: " << name_
                 << ": no backend: frames other than ARP requests are counted and dropped";
            line.emit(log_);
        }
    }

    GuestPhysRange window_;
    unsigned spi_;
    vmm::VgicDistributor& vgic_;
    vmm::LogSink& log_;
    std::string_view name_;
    bool told_ = false;
    ArpResponder arp_;
    VirtioMmio transport_;
    NetDevice net_;
};

vmm::DeviceStorage<VirtioNetMmio, kMaxDevices> devices;

vmm::Device* create_virtio_net(vmm::DeviceContext& ctx) {
    const std::size_t index = devices.used();
    const std::optional<unsigned> spi = index < kMaxDevices ? ctx.allocate_spi() : std::nullopt;
    const std::optional<GuestPhysRange> window =
        spi ? ctx.allocate_mmio(mmio::kWindowSize) : std::nullopt;
    if (!window) {
        vmm::LogLine line;
        line << "vmm: " << ctx.name() << ": no "
             << (index >= kMaxDevices ? "room" : (spi ? "register window" : "SPI"))
             << " left for a virtio-mmio device";
        line.emit(ctx.log());
        return nullptr;
    }
    // A locally administered MAC per device: 02:00:00:00:00:<n>.
    const MacAddress mac{0x02, 0, 0, 0, 0, static_cast<uint8_t>(index + 1)};
    VirtioNetMmio* device = devices.make(ctx, *window, *spi, mac);
    if (device == nullptr || !ctx.mmio().add(ctx.name(), *window, *device)) return nullptr;
    vmm::LogLine line;
    line << "vmm: " << ctx.name() << ": virtio-net over virtio-mmio at "
         << vmm::Hex{window->base.raw()} << ", SPI " << vmm::Dec{*spi}
         << ", MAC 02:00:00:00:00:0" // kMaxDevices < 10
         << vmm::Dec{static_cast<int64_t>(index + 1)} << ", no backend: answering ARP";
    line.emit(ctx.log());
    return device;
}

} // namespace
} // namespace virtio

BULKHEAD_VMM_DEVICE("virtio_net", "virtio,mmio", ::virtio::create_virtio_net);
