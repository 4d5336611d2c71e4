// The VMM device "virtio_net_virtqueue" ("virtio_net_virtqueue_pci" over virtio-pci;
// net_front.hpp): virtio-net whose
// frames leave through the VM's `send` virtqueue and arrive through its `recv` virtqueue
// (seL4VirtQueues to another component, e.g. PingClient), as upstream camkes-arm-vm's
// virtio_net_virtqueue module. Both connections must be there; the device listens to
// their notification bits. Linked in as an object (see vmm/device.hpp).
#include "net_front.hpp"

#include <virtio/net_queue_backend.hpp>

namespace virtio {
namespace {

constexpr std::size_t kMaxDevices = 1; // one pair of queues per VM (`send`, `recv`)

class VirtioNetVirtqueue final : public NetFront {
public:
    VirtioNetVirtqueue(vmm::DeviceContext& ctx, MacAddress mac) : NetFront(ctx, mac, queues_) {}

    [[nodiscard]] NetQueueBackend& queues() { return queues_; }

private:
    void pump() override {
        queues_.pump(net());
        report_drops();
        // A peer that broke a ring is reported once; the guest keeps its device.
        if (!told_ && (queues_.send_error() != DriverError::None ||
                       queues_.recv_error() != QueueError::None)) {
            told_ = true;
            vmm::LogLine line;
            line << "vmm: " << name()
                 << ": peer broke a ring: send: " << to_string(queues_.send_error())
                 << ", recv: " << to_string(queues_.recv_error()) << "; that direction stops";
            line.emit(log());
        }
    }
    void backend_reset() override { queues_.reset(); }

    // Every frame dropped on the way is counted (NetCounters, NetQueueCounters) and shown:
    // a line with the totals per drop, rate-limited.
    void report_drops() {
        const NetCounters& n = net().counters();
        const NetQueueCounters& q = queues_.counters();
        const uint64_t out = n.tx_dropped_header + n.tx_dropped_size + n.tx_dropped_backend;
        const uint64_t in =
            n.rx_dropped_small + n.rx_dropped_not_ready + n.rx_dropped_size + q.rx_oversized;
        for (; dropped_ < out + in; ++dropped_) {
            if (!drops_.admit()) continue;
            const auto dec = [](uint64_t v) { return vmm::Dec{static_cast<int64_t>(v)}; };
            vmm::LogLine line;
            line << "vmm: " << name()
                 << ": frame dropped; from the guest: " << dec(n.tx_dropped_header)
                 << " bad header, " << dec(n.tx_dropped_size) << " bad size, "
                 << dec(n.tx_dropped_backend)
                 << " not taken by the send ring; to the guest: " << dec(n.rx_dropped_not_ready)
                 << " driver not ready, " << dec(n.rx_dropped_small) << " buffer too small, "
                 << dec(n.rx_dropped_size + q.rx_oversized) << " bad size";
            line.emit(log());
        }
    }

    uint64_t dropped_ = 0;
    vmm::GuestEventLimit drops_{log(), "dropped-frame lines"};
    bool told_ = false;
    NetQueueBackend queues_;
};

vmm::DeviceStorage<VirtioNetVirtqueue, kMaxDevices> devices;

void refuse(vmm::DeviceContext& ctx, std::string_view why) {
    vmm::LogLine line;
    line << "vmm: " << ctx.name() << ": " << why;
    line.emit(ctx.log());
}

template <TransportKind kKind> vmm::Device* create_virtio_net_virtqueue(vmm::DeviceContext& ctx) {
    const vmm::BackendConnection* send = ctx.connection("send");
    const vmm::BackendConnection* recv = ctx.connection("recv");
    if (send == nullptr || recv == nullptr || send->port == nullptr || recv->port == nullptr) {
        refuse(ctx, "needs the VM's `send` and `recv` connected by seL4VirtQueues");
        return nullptr;
    }
    // Upstream's vswitch MAC for the guest: 02:00:00:00:aa:01.
    VirtioNetVirtqueue* device =
        devices.make(ctx, net_mac({0x02, 0, 0, 0, 0xaa, 0}, devices.used()));
    if (device == nullptr) {
        refuse(ctx, "one per VM: its `send` and `recv` are taken");
        return nullptr;
    }
    if (!device->queues().attach(*send, *recv)) {
        refuse(ctx, "a virtqueue buffer is too small for a ring");
        return nullptr;
    }
    if (!ctx.listen(send->badge_bits | recv->badge_bits)) {
        refuse(ctx, "its virtqueues' notification bits are not its connections'");
        return nullptr;
    }
    if (!device->install(ctx, kKind, "guest frames to send, from recv")) return nullptr;
    return device;
}

} // namespace
} // namespace virtio

BULKHEAD_VMM_DEVICE("virtio_net_virtqueue", nullptr,
                    ::virtio::create_virtio_net_virtqueue<::virtio::TransportKind::Mmio>);
BULKHEAD_VMM_DEVICE("virtio_net_virtqueue_pci", nullptr,
                    ::virtio::create_virtio_net_virtqueue<::virtio::TransportKind::Pci>);
