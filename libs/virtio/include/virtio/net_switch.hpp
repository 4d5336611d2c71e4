// A virtual Ethernet switch in one VM's virtio-net device (upstream vm_multi's vswitch):
// the guest's frames go out through the port whose peer has the destination MAC (each port
// is a pair of rings to another VM, a NetQueueBackend); broadcast and multicast frames go
// out through every port; frames from any port are given to the guest. As a hardware
// switch, a port whose ring is full drops the frame (counted) instead of holding up the
// guest's frames to the other ports: one stalled peer cannot stop the rest.
#pragma once

#include <virtio/net_queue_backend.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace virtio {

struct NetSwitchCounters {
    uint64_t unicast = 0;   // frames sent to the one port with their destination
    uint64_t flooded = 0;   // broadcast / multicast frames sent to every port
    uint64_t unknown = 0;   // frames for a MAC no port has: dropped
    uint64_t port_full = 0; // frames (per port) dropped on a full or broken ring
};

class NetSwitch final : public NetBackend {
public:
    static constexpr std::size_t kMaxPorts = 4; // vm_config::kMaxSwitchPorts

    // A port to the peer with `mac` over the VM's connections `send` and `recv`. False when
    // all ports are taken or the rings do not fit (NetQueueBackend::attach).
    bool add_port(MacAddress mac, const vmm::BackendConnection& send,
                  const vmm::BackendConnection& recv);

    // NetBackend: a switch always takes a frame (a full port drops it).
    [[nodiscard]] bool can_send() override { return true; }
    [[nodiscard]] bool send(std::span<const std::byte> frame) override;

    // Every port's pump (NetQueueBackend::pump): rings returned, frames given to the guest.
    void pump(NetDevice& net);
    void reset();

    [[nodiscard]] std::size_t ports() const { return count_; }
    [[nodiscard]] const NetQueueBackend& port(std::size_t i) const { return ports_[i].queues; }
    [[nodiscard]] const NetSwitchCounters& counters() const { return counters_; }

private:
    // One frame out through port i; false (counted) when it had no room.
    bool send_to(std::size_t i, std::span<const std::byte> frame);

    struct Port {
        MacAddress mac{};
        NetQueueBackend queues;
    };
    std::array<Port, kMaxPorts> ports_{};
    std::size_t count_ = 0;
    NetSwitchCounters counters_{};
};

} // namespace virtio
