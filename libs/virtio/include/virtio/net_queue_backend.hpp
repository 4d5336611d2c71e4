// The virtio-net backend that connects a guest's network to another component through two
// rings shared with it (upstream camkes-arm-vm's virtio_net_virtqueue module): the guest's
// frames go out as the driver of the `send` ring; frames arrive as the device of the
// `recv` ring and are given to the guest. A full `send` ring stops the guest's transmit
// queue until the peer returns buffers (back-pressure); a frame the guest has no receive
// buffer for waits, and the `recv` ring is not read meanwhile. Once the peer has broken the
// `send` ring, guest frames are dropped instead of waiting. Every drop is counted.
#pragma once

#include <virtio/net.hpp>
#include <virtio/shared_ring.hpp>
#include <virtio/virtqueue.hpp>
#include <virtio/virtqueue_driver.hpp>
#include <vmm/device.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace virtio {

// An Ethernet frame with a VLAN tag and no FCS: what can_send() keeps room for.
inline constexpr std::size_t kMaxEthernetFrame = 1518;

struct NetQueueCounters {
    uint64_t sent = 0;         // guest frames put on the send ring
    uint64_t send_full = 0;    // times the send ring had no room (the guest waited)
    uint64_t send_dropped = 0; // frames larger than the send ring's pool
    uint64_t received = 0;     // frames taken from the recv ring
    uint64_t delivered = 0;    // ... given to the guest
    uint64_t rx_dropped = 0;   // ... dropped by the device (driver not ready, too small, ...)
    uint64_t rx_oversized = 0; // recv chains larger than a frame may be
    uint64_t waits = 0;        // attempts that found no guest receive buffer (the frame waits)
};

class NetQueueBackend final : public NetBackend {
public:
    // The VM's `send` and `recv` connections: each one's ring buffer (as mapped here) and
    // the capability that signals the peer, used through the connection's port. False when
    // a connection has no port or a buffer is too small for a ring
    // (SharedRingLayout::for_buffer).
    bool attach(const vmm::BackendConnection& send, const vmm::BackendConnection& recv);

    // NetBackend
    [[nodiscard]] bool can_send() override;
    [[nodiscard]] bool send(std::span<const std::byte> frame) override;

    // After a notification from either peer and after the guest touched the device: takes
    // back what the peer consumed (and lets the guest transmit again), and gives arrived
    // frames to the guest until it has no receive buffer.
    void pump(NetDevice& net);
    // Guest reset: a frame waiting for the old guest is dropped; the rings go on.
    void reset() { waiting_ = 0; }

    [[nodiscard]] const NetQueueCounters& counters() const { return counters_; }
    // Why a ring stopped (the peer broke it), or None.
    [[nodiscard]] DriverError send_error() const { return send_.error(); }
    [[nodiscard]] QueueError recv_error() const { return recv_.error(); }

private:
    // Gives the waiting frame to the guest; false if it still has no buffer.
    bool deliver_waiting(NetDevice& net);

    SharedBuffer send_buffer_;
    SharedBuffer recv_buffer_;
    VirtqueueDriver send_;
    Virtqueue recv_{recv_buffer_.memory()};
    vmm::BackendPort* port_ = nullptr; // null until attached
    uint32_t send_slot_ = 0;
    uint32_t recv_slot_ = 0;
    bool blocked_ = false; // can_send() said no; the device waits for backend_ready()
    std::size_t waiting_ = 0;
    std::array<Segment, 64> segments_{};
    std::array<std::byte, NetDevice::kMaxFrameBytes> frame_{};
    NetQueueCounters counters_{};
};

} // namespace virtio
