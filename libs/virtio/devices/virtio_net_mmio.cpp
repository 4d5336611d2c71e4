// The VMM device "virtio_net" (compatible "virtio,mmio"; "virtio_net_pci" over virtio-pci,
// net_front.hpp) with no backend connected: it answers the guest's ARP requests itself
// (upstream's `virtio_net` module). Linked in as an object (see vmm/device.hpp).
#include "net_front.hpp"

#include <virtio/arp_responder.hpp>

namespace virtio {
namespace {

constexpr std::size_t kMaxDevices = 4;

// Replies the responder queued while the guest transmitted reach it once the transmit
// path has returned (the guest's next kick, of either queue, retries what found no
// receive buffer).
class VirtioNetArp final : public NetFront {
public:
    void release() override;
    VirtioNetArp(vmm::DeviceContext& ctx, MacAddress mac) : NetFront(ctx, mac, arp_) {}

private:
    void pump() override {
        if (arp_.pending() != 0 && arp_.deliver(net())) net().backend_ready();
        // The first frame it cannot answer says so; the rest are only counted.
        const ArpCounters& c = arp_.counters();
        const uint64_t ignored = c.not_arp + c.malformed + c.not_request + c.overflow;
        if (ignored != 0 && !told_) {
            told_ = true;
            vmm::LogLine line;
            line << "vmm: " << name()
                 << ": no backend: frames other than ARP requests are counted and dropped";
            line.emit(log());
        }
    }
    void backend_reset() override { arp_.reset(); }

    bool told_ = false;
    ArpResponder arp_;
};

vmm::DeviceStorage<VirtioNetArp, kMaxDevices> devices;

void VirtioNetArp::release() {
    devices.release(this);
}

template <TransportKind kKind> vmm::Device* create_virtio_net(vmm::DeviceContext& ctx) {
    // A locally administered MAC per device: 02:00:00:00:00:<n>.
    VirtioNetArp* device = devices.make(ctx, net_mac({0x02, 0, 0, 0, 0, 0}, devices.used()));
    if (device == nullptr) {
        vmm::LogLine line;
        line << "vmm: " << ctx.name() << ": no room for another virtio-net device";
        line.emit(ctx.log());
        return nullptr;
    }
    return device->install(ctx, kKind, "no backend: answering ARP") ? device : nullptr;
}

} // namespace
} // namespace virtio

// Upstream's arping module (VmVirtioNetArping) is this one: ARP answered in the VMM.
BULKHEAD_VMM_DEVICE("virtio_net", "virtio,mmio",
                    ::virtio::create_virtio_net<::virtio::TransportKind::Mmio>,
                    "VmVirtioNetArping");
BULKHEAD_VMM_DEVICE("virtio_net_pci", nullptr,
                    ::virtio::create_virtio_net<::virtio::TransportKind::Pci>);
