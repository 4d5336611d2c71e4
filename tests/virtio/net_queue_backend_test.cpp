// virtio-net connected to a peer component by two shared rings (net_queue_backend.hpp):
// a guest (the fake driver) transmits into the `send` ring and receives from the `recv`
// ring a peer fills, full-size frames in chains, back-pressure both ways (a full `send`
// ring stops the guest's transmit queue; a guest without receive buffers leaves frames in
// the `recv` ring), notifications to the peer, and a peer that breaks a ring.
#include "fake_driver.hpp"

#include <virtio/net.hpp>
#include <virtio/net_queue_backend.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace virtio {
namespace {

using test::Desc;
using test::FakeDriver;
using test::FakeRam;

// The peer's side of the VM's connections: counts the signals per capability slot.
class CountingPort final : public vmm::BackendPort {
public:
    static constexpr uint32_t kSendSlot = 5;
    static constexpr uint32_t kRecvSlot = 6;
    void call(uint32_t, base::RpcMessage&) override { ADD_FAILURE() << "no calls on a ring"; }
    void signal(uint32_t slot) override { ++(slot == kSendSlot ? send : recv); }
    unsigned send = 0;
    unsigned recv = 0;
};

class NoEvents final : public DeviceEvents {
public:
    void used_buffers(unsigned) override {}
    void config_changed() override {}
    void needs_reset(unsigned, QueueError) override { ++resets; }
    unsigned resets = 0;
};

std::vector<std::byte> frame_of(std::size_t len, uint8_t seed) {
    std::vector<std::byte> f(len);
    for (std::size_t i = 0; i < len; ++i)
        f[i] = std::byte(static_cast<uint8_t>(seed * 31 + i));
    return f;
}

struct Fixture {
    Fixture()
        : send_ring(8192), recv_ring(8192), rx(ram, {.size = 16}), tx(ram, {.size = 16}),
          device(ram.memory(), backend, events, {2, 0, 0, 0, 0xaa, 1}) {
        EXPECT_TRUE(backend.attach({"send", CountingPort::kSendSlot, send_ring, 0, &port},
                                   {"recv", CountingPort::kRecvSlot, recv_ring, 0, &port}));
        // The peer: device of `send`, driver of `recv`.
        EXPECT_TRUE(peer_send_buffer.attach(send_ring));
        EXPECT_TRUE(peer_recv_buffer.attach(recv_ring));
        layout = *SharedRingLayout::for_buffer(8192);
        EXPECT_EQ(peer_send.configure(layout.queue_config()), QueueError::None);
        EXPECT_TRUE(peer_recv.configure(peer_recv_buffer.memory(), layout));
        EXPECT_TRUE(device.set_driver_features(kFeatureVersion1));
        start(NetDevice::kRxQueue, rx);
        start(NetDevice::kTxQueue, tx);
        device.driver_ok();
    }
    void start(unsigned q, const FakeDriver& d) {
        EXPECT_EQ(test::start_queue(device, q, d), QueueError::None);
    }
    void guest_transmits(const std::vector<std::byte>& frame) {
        NetHeader header{};
        std::vector<Desc> descs{
            tx.readable(std::string(reinterpret_cast<const char*>(&header), sizeof header)),
            tx.readable(std::string(reinterpret_cast<const char*>(frame.data()), frame.size()))};
        tx.offer(descs);
        device.queue_notify(NetDevice::kTxQueue);
    }
    // What the peer takes from `send` (and returns at once).
    std::vector<std::vector<std::byte>> peer_takes() {
        std::vector<std::vector<std::byte>> out;
        while (auto chain = peer_send.pop(segments)) {
            out.emplace_back(chain->readable_bytes);
            read_from_chain(peer_send_buffer.memory(), *chain, 0, out.back());
            EXPECT_TRUE(peer_send.push(*chain, 0));
        }
        return out;
    }
    // A frame the guest received, if any.
    std::optional<std::vector<std::byte>> guest_receives(const Desc& buffer) {
        const auto used = rx.take_used();
        if (!used) return std::nullopt;
        const auto bytes = rx.read(GuestPhysAddr(buffer.addr), used->len);
        return std::vector<std::byte>(bytes.begin() + sizeof(NetHeader), bytes.end());
    }

    std::vector<std::byte> send_ring;
    std::vector<std::byte> recv_ring;
    FakeRam ram;
    FakeDriver rx;
    FakeDriver tx;
    NoEvents events;
    CountingPort port;
    NetQueueBackend backend;
    NetDevice device;
    SharedBuffer peer_send_buffer;
    SharedBuffer peer_recv_buffer;
    SharedRingLayout layout;
    Virtqueue peer_send{peer_send_buffer.memory()};
    VirtqueueDriver peer_recv;
    std::array<Segment, 16> segments{};
};

TEST(NetQueueBackend, GuestFramesGoToTheSendRing) {
    auto f = std::make_unique<Fixture>();
    const auto frame = frame_of(1514, 1);
    f->guest_transmits(frame);
    f->guest_transmits(frame_of(60, 2));
    EXPECT_EQ(f->port.send, 2u);
    const auto got = f->peer_takes();
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0], frame);
    EXPECT_EQ(got[1], frame_of(60, 2));
    EXPECT_EQ(f->backend.counters().sent, 2u);
    EXPECT_EQ(f->device.counters().tx_frames, 2u);
}

TEST(NetQueueBackend, PeerFramesReachTheGuest) {
    auto f = std::make_unique<Fixture>();
    const Desc buffer = f->rx.writable(12 + 1518);
    f->rx.offer({buffer});
    const auto frame = frame_of(1514, 3);
    ASSERT_EQ(f->peer_recv.send(frame), SendResult::Sent);
    f->backend.pump(f->device);
    EXPECT_EQ(f->guest_receives(buffer), frame);
    EXPECT_EQ(f->port.recv, 1u); // its buffers came back
    EXPECT_EQ(f->peer_recv.reclaim(), 1u);
    EXPECT_EQ(f->backend.counters().delivered, 1u);
}

TEST(NetQueueBackend, NoGuestBufferLeavesFramesInTheRing) {
    auto f = std::make_unique<Fixture>();
    ASSERT_EQ(f->peer_recv.send(frame_of(100, 1)), SendResult::Sent);
    ASSERT_EQ(f->peer_recv.send(frame_of(100, 2)), SendResult::Sent);
    f->backend.pump(f->device);
    f->backend.pump(f->device);
    // The first waits in the backend, the second in the ring: nothing lost, nothing read.
    EXPECT_EQ(f->backend.counters().received, 1u);
    EXPECT_EQ(f->backend.counters().delivered, 0u);
    EXPECT_GE(f->backend.counters().waits, 1u);
    const Desc b1 = f->rx.writable(12 + 1518);
    f->rx.offer({b1});
    f->backend.pump(f->device);
    EXPECT_EQ(f->guest_receives(b1), frame_of(100, 1));
    const Desc b2 = f->rx.writable(12 + 1518);
    f->rx.offer({b2});
    f->backend.pump(f->device);
    EXPECT_EQ(f->guest_receives(b2), frame_of(100, 2));
    EXPECT_EQ(f->backend.counters().delivered, 2u);
    EXPECT_EQ(f->device.counters().rx_dropped_small + f->backend.counters().rx_dropped, 0u);
}

TEST(NetQueueBackend, FullSendRingStopsTheGuestUntilThePeerCatchesUp) {
    auto f = std::make_unique<Fixture>();
    // 12 slots of 512 bytes: four 1514-byte frames (3 slots each) fill the ring.
    for (uint8_t i = 0; i < 6; ++i)
        f->guest_transmits(frame_of(1514, i));
    EXPECT_EQ(f->backend.counters().sent, 4u);
    EXPECT_GE(f->backend.counters().send_full, 1u);
    EXPECT_EQ(f->device.counters().tx_dropped_backend, 0u);
    auto got = f->peer_takes();
    EXPECT_EQ(got.size(), 4u);
    f->backend.pump(f->device); // the peer's signal: buffers back, the guest goes on
    auto rest = f->peer_takes();
    got.insert(got.end(), rest.begin(), rest.end());
    f->backend.pump(f->device);
    rest = f->peer_takes();
    got.insert(got.end(), rest.begin(), rest.end());
    ASSERT_EQ(got.size(), 6u);
    for (uint8_t i = 0; i < 6; ++i)
        EXPECT_EQ(got[i], frame_of(1514, i));
}

TEST(NetQueueBackend, PeerThatBreaksTheSendRingGetsNothingMoreAndFramesAreDropped) {
    auto f = std::make_unique<Fixture>();
    const uint16_t used_idx = 200; // 200 chains back, none sent
    std::memcpy(f->send_ring.data() + f->layout.used + kUsedIdx, &used_idx, sizeof used_idx);
    f->backend.pump(f->device);
    EXPECT_EQ(f->backend.send_error(), DriverError::UsedIndexJump);
    f->guest_transmits(frame_of(60, 1));
    f->guest_transmits(frame_of(60, 2));
    EXPECT_EQ(f->backend.counters().sent, 0u);
    EXPECT_EQ(f->backend.counters().send_dropped, 2u);
    EXPECT_EQ(f->device.counters().tx_dropped_backend, 2u);
    EXPECT_TRUE(f->tx.take_used()); // the guest has its buffers back
    EXPECT_TRUE(f->tx.take_used());
    EXPECT_TRUE(f->peer_takes().empty());
}

TEST(NetQueueBackend, PeerThatBreaksTheRecvRingStopsOnlyThatRing) {
    auto f = std::make_unique<Fixture>();
    ASSERT_EQ(f->peer_recv.send(frame_of(100, 1)), SendResult::Sent);
    // The peer points its descriptor outside the ring's buffer.
    const uint64_t far = uint64_t{1} << 32;
    std::memcpy(f->recv_ring.data(), &far, sizeof far);
    f->backend.pump(f->device);
    EXPECT_EQ(f->backend.recv_error(), QueueError::BufferOutsideRam);
    EXPECT_EQ(f->backend.counters().received, 0u);
    f->guest_transmits(frame_of(60, 5));
    EXPECT_EQ(f->peer_takes().size(), 1u);
    EXPECT_EQ(f->events.resets, 0u); // the guest's own device is fine
}

} // namespace
} // namespace virtio
