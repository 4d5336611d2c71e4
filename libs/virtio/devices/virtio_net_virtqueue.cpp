// The VMM device "virtio_net_virtqueue" ("virtio_net_virtqueue_pci" over virtio-pci;
// net_front.hpp): virtio-net whose
// frames leave through the VM's `send` virtqueue and arrive through its `recv` virtqueue
// (seL4VirtQueues to another component, e.g. PingClient), as upstream camkes-arm-vm's
// virtio_net_virtqueue module. Both connections must be there; the device listens to
// their notification bits. A VM on a virtual switch (vswitch_layout, upstream vm_multi)
// has instead one pair of rings per port and switches frames between them by destination
// MAC (NetSwitch). Linked in as an object (see vmm/device.hpp).
#include "net_front.hpp"

#include <virtio/net_queue_backend.hpp>
#include <virtio/net_switch.hpp>

namespace virtio {
namespace {

constexpr std::size_t kMaxDevices = 1; // one pair of queues per VM (`send`, `recv`)

class VirtioNetVirtqueue final : public NetFront {
public:
    void release() override;
    VirtioNetVirtqueue(vmm::DeviceContext& ctx, MacAddress mac, bool switched)
        : NetFront(ctx, mac, switched ? static_cast<NetBackend&>(switch_) : queues_),
          switched_(switched) {}

    [[nodiscard]] NetQueueBackend& queues() { return queues_; }
    [[nodiscard]] NetSwitch& vswitch() { return switch_; }

private:
    void pump() override {
        if (switched_) {
            switch_.pump(net());
            report_switch_drops();
            for (std::size_t i = 0; i < switch_.ports(); ++i)
                report_broken(switch_.port(i), i);
            return;
        }
        queues_.pump(net());
        report_drops(queues_.counters());
        report_broken(queues_, 0);
    }
    void backend_reset() override {
        queues_.reset();
        switch_.reset();
    }

    // A peer that broke a ring is reported once; the guest keeps its device.
    void report_broken(const NetQueueBackend& q, std::size_t port) {
        if (told_[port] ||
            (q.send_error() == DriverError::None && q.recv_error() == QueueError::None)) {
            return;
        }
        told_[port] = true;
        vmm::LogLine line;
        line << "vmm: " << name() << ": peer ";
        if (switched_) line << "on switch port " << vmm::Dec{static_cast<int64_t>(port)} << " ";
        line << "broke a ring: send: " << to_string(q.send_error())
             << ", recv: " << to_string(q.recv_error()) << "; that direction stops";
        line.emit(log());
    }

    // The switch's drops (unknown destination, a full port), rate-limited lines with totals.
    void report_switch_drops() {
        const NetSwitchCounters& c = switch_.counters();
        for (; switch_dropped_ < c.unknown + c.port_full; ++switch_dropped_) {
            if (!drops_.admit()) continue;
            vmm::LogLine line;
            line << "vmm: " << name()
                 << ": switch dropped a frame: " << vmm::Dec{static_cast<int64_t>(c.unknown)}
                 << " for no port's MAC, " << vmm::Dec{static_cast<int64_t>(c.port_full)}
                 << " on a full port";
            line.emit(log());
        }
        NetQueueCounters none{};
        report_drops(none);
    }

    // Every frame dropped on the way is counted (NetCounters, NetQueueCounters) and shown:
    // a line with the totals per drop, rate-limited.
    void report_drops(const NetQueueCounters& q) {
        const NetCounters& n = net().counters();
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
    uint64_t switch_dropped_ = 0;
    vmm::GuestEventLimit drops_{log(), "dropped-frame lines"};
    std::array<bool, NetSwitch::kMaxPorts> told_{};
    NetQueueBackend queues_;
    NetSwitch switch_;
    bool switched_;
};

vmm::DeviceStorage<VirtioNetVirtqueue, kMaxDevices> devices;

void VirtioNetVirtqueue::release() {
    devices.release(this);
}

void refuse(vmm::DeviceContext& ctx, std::string_view why) {
    vmm::LogLine line;
    line << "vmm: " << ctx.name() << ": " << why;
    line.emit(ctx.log());
}

// On a virtual switch: one port per vswitch_layout entry, the guest's MAC from
// vswitch_mac_address.
template <TransportKind kKind> vmm::Device* create_switched(vmm::DeviceContext& ctx) {
    const vmm::SwitchConfig& sw = ctx.record().vswitch;
    const MacAddress mac = sw.mac ? *sw.mac : net_mac({0x02, 0, 0, 0, 0xaa, 0}, devices.used());
    VirtioNetVirtqueue* device = devices.make(ctx, mac, true);
    if (device == nullptr) {
        refuse(ctx, "one per VM: its virtqueues are taken");
        return nullptr;
    }
    uint64_t bits = 0;
    for (const vmm::SwitchPort& p : sw.ports) {
        const vmm::BackendConnection* send = ctx.connection(p.send);
        const vmm::BackendConnection* recv = ctx.connection(p.recv);
        if (send == nullptr || recv == nullptr ||
            !device->vswitch().add_port(p.mac, *send, *recv)) {
            vmm::LogLine line;
            line << "vmm: " << ctx.name() << ": switch port " << p.send << "/" << p.recv
                 << " is not a pair of connected virtqueues with room for a ring";
            line.emit(ctx.log());
            return nullptr;
        }
        bits |= send->badge_bits | recv->badge_bits;
    }
    if (!ctx.listen(bits)) {
        refuse(ctx, "its virtqueues' notification bits are not its connections'");
        return nullptr;
    }
    vmm::LogLine what;
    what << "a switch of " << vmm::Dec{static_cast<int64_t>(sw.ports.size())} << " port(s)";
    if (!device->install(ctx, kKind, what.view())) return nullptr;
    return device;
}

template <TransportKind kKind> vmm::Device* create_virtio_net_virtqueue(vmm::DeviceContext& ctx) {
    if (!ctx.record().vswitch.ports.empty()) return create_switched<kKind>(ctx);
    const vmm::BackendConnection* send = ctx.connection("send");
    const vmm::BackendConnection* recv = ctx.connection("recv");
    if (send == nullptr || recv == nullptr || send->port == nullptr || recv->port == nullptr) {
        refuse(ctx, "needs the VM's `send` and `recv` connected by seL4VirtQueues");
        return nullptr;
    }
    // Upstream's vswitch MAC for the guest: 02:00:00:00:aa:01.
    VirtioNetVirtqueue* device =
        devices.make(ctx, net_mac({0x02, 0, 0, 0, 0xaa, 0}, devices.used()), false);
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
                    ::virtio::create_virtio_net_virtqueue<::virtio::TransportKind::Mmio>,
                    "VmVirtioNetVirtqueue");
BULKHEAD_VMM_DEVICE("virtio_net_virtqueue_pci", nullptr,
                    ::virtio::create_virtio_net_virtqueue<::virtio::TransportKind::Pci>);
