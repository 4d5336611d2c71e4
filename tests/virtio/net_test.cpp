// The virtio-net device model through fake rings: feature negotiation, the configuration
// space, full-size and jumbo frames both ways with the 12-byte header, back-pressure in
// both directions, drops that are counted, and a hostile ring that ends in NEEDS_RESET.
#include "fake_driver.hpp"

#include <virtio/net.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace virtio {
namespace {

using test::Desc;
using test::FakeDriver;
using test::FakeRam;

class RecordingBackend final : public NetBackend {
public:
    bool can_send() override { return room > 0; }
    bool send(std::span<const std::byte> frame) override {
        if (room == 0) return false;
        --room;
        frames.emplace_back(frame.begin(), frame.end());
        return true;
    }
    std::size_t room = 1000;
    std::vector<std::vector<std::byte>> frames;
};

class RecordingEvents final : public DeviceEvents {
public:
    void used_buffers(unsigned queue) override { interrupts.push_back(queue); }
    void config_changed() override { ++config_changes; }
    void needs_reset(unsigned queue, QueueError error) override {
        resets.push_back({queue, error});
    }
    std::vector<unsigned> interrupts;
    unsigned config_changes = 0;
    std::vector<std::pair<unsigned, QueueError>> resets;
};

constexpr MacAddress kMac{0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

std::vector<std::byte> make_frame(std::size_t len, uint8_t seed = 1) {
    std::vector<std::byte> frame(len);
    for (std::size_t i = 0; i < len; ++i)
        frame[i] = std::byte(static_cast<uint8_t>(seed + i * 7));
    return frame;
}

std::string bytes_text(std::span<const std::byte> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

struct NetFixture {
    explicit NetFixture(bool event_idx = true, uint64_t features = NetDevice::kFeatures)
        : rx(ram, {.size = 16, .event_idx = event_idx, .indirect = true}),
          tx(ram, {.size = 16, .event_idx = event_idx, .indirect = true}),
          device(ram.memory(), backend, events, kMac) {
        EXPECT_TRUE(device.set_driver_features(features));
        start(NetDevice::kRxQueue, rx);
        start(NetDevice::kTxQueue, tx);
        device.driver_ok();
    }
    void start(unsigned q, const FakeDriver& d) {
        EXPECT_EQ(test::start_queue(device, q, d), QueueError::None);
    }
    // A transmit chain as Linux builds it: the header, then the frame in pieces.
    std::vector<Desc> tx_chain(std::span<const std::byte> frame, std::size_t pieces,
                               NetHeader header = {}) {
        std::vector<Desc> descs{tx.readable(bytes_text(std::as_bytes(std::span(&header, 1))))};
        const std::size_t step = (frame.size() + pieces - 1) / pieces;
        for (std::size_t at = 0; at < frame.size(); at += step)
            descs.push_back(
                tx.readable(bytes_text(frame.subspan(at, std::min(step, frame.size() - at)))));
        return descs;
    }
    FakeRam ram{std::size_t{8} << 20};
    FakeDriver rx;
    FakeDriver tx;
    RecordingBackend backend;
    RecordingEvents events;
    NetDevice device;
};

TEST(VirtioNet, OffersModernFeaturesAndTakesOnlyThose) {
    FakeRam ram;
    RecordingBackend backend;
    RecordingEvents events;
    NetDevice device(ram.memory(), backend, events, kMac);
    EXPECT_EQ(device.device_id(), 1u);
    EXPECT_EQ(device.num_queues(), 2u);
    EXPECT_EQ(device.max_queue_size(0), 256);
    EXPECT_EQ(device.max_queue_size(2), 0);
    const uint64_t f = device.device_features();
    for (int bit : {5, 16, 28, 29, 32})
        EXPECT_NE(f & (uint64_t{1} << bit), 0u) << bit;
    EXPECT_EQ(f & (uint64_t{1} << 15), 0u); // no MRG_RXBUF: each buffer holds a whole frame
    EXPECT_EQ(f & 0x3fffu & ~(uint64_t{1} << 5), 0u); // no offloads
    EXPECT_FALSE(device.set_driver_features(f | (uint64_t{1} << 15)));
    EXPECT_FALSE(device.set_driver_features(kNetFeatureMac)); // legacy driver
    EXPECT_TRUE(device.set_driver_features(kFeatureVersion1 | kNetFeatureMac));
    EXPECT_EQ(device.driver_features(), kFeatureVersion1 | kNetFeatureMac);
}

TEST(VirtioNet, ConfigSpaceHoldsMacAndLinkStatus) {
    NetFixture f;
    uint32_t v = 0;
    for (unsigned i = 0; i < 6; ++i) {
        ASSERT_TRUE(f.device.read_config(i, 1, v));
        EXPECT_EQ(v, kMac[i]);
    }
    ASSERT_TRUE(f.device.read_config(0, 4, v));
    EXPECT_EQ(v, 0x12005452u);
    ASSERT_TRUE(f.device.read_config(6, 2, v));
    EXPECT_EQ(v, kNetStatusLinkUp);
    EXPECT_FALSE(f.device.read_config(8, 4, v)); // runs past the end
    EXPECT_FALSE(f.device.read_config(0, 3, v));
    EXPECT_FALSE(f.device.read_config(0xffffffff, 1, v));
    EXPECT_TRUE(f.device.write_config(0, 1, 0xff)); // ignored
    ASSERT_TRUE(f.device.read_config(0, 1, v));
    EXPECT_EQ(v, kMac[0]);
    const uint32_t generation = f.device.config_generation();
    f.device.set_link(false);
    ASSERT_TRUE(f.device.read_config(6, 2, v));
    EXPECT_EQ(v, 0u);
    EXPECT_EQ(f.device.config_generation(), generation + 1);
    EXPECT_EQ(f.events.config_changes, 1u);
    f.device.set_link(false);
    EXPECT_EQ(f.events.config_changes, 1u);
}

TEST(VirtioNet, TransmitsFullSizeFramesInPieces) {
    NetFixture f;
    const auto frame = make_frame(1514);
    f.tx.offer(f.tx_chain(frame, 3));
    const auto small = make_frame(60, 9);
    f.tx.offer(f.tx_chain(small, 1));
    f.device.queue_notify(NetDevice::kTxQueue);
    ASSERT_EQ(f.backend.frames.size(), 2u);
    EXPECT_EQ(f.backend.frames[0], frame);
    EXPECT_EQ(f.backend.frames[1], small);
    EXPECT_EQ(f.tx.take_used()->len, 0u);
    EXPECT_EQ(f.tx.take_used()->len, 0u);
    EXPECT_EQ(f.events.interrupts, std::vector<unsigned>{NetDevice::kTxQueue});
    EXPECT_EQ(f.device.counters().tx_frames, 2u);
    EXPECT_EQ(f.device.counters().tx_bytes, 1574u);
    EXPECT_TRUE(f.events.resets.empty());
}

TEST(VirtioNet, TransmitsJumboFrameThroughAnIndirectTable) {
    NetFixture f;
    const auto frame = make_frame(9014);
    f.tx.publish(*f.tx.add_indirect(f.tx_chain(frame, 5)));
    f.device.queue_notify(NetDevice::kTxQueue);
    ASSERT_EQ(f.backend.frames.size(), 1u);
    EXPECT_EQ(f.backend.frames[0], frame);
}

TEST(VirtioNet, MalformedTransmitChainsAreDroppedAndReturned) {
    NetFixture f;
    f.tx.offer({f.tx.readable("short")}); // less than a header
    NetHeader offload;
    offload.flags = 1; // NEEDS_CSUM, never negotiated
    f.tx.offer(f.tx_chain(make_frame(100), 1, offload));
    f.tx.offer(f.tx_chain({}, 1)); // header only: an empty frame
    f.device.queue_notify(NetDevice::kTxQueue);
    EXPECT_TRUE(f.backend.frames.empty());
    EXPECT_EQ(f.device.counters().tx_dropped_header, 2u);
    EXPECT_EQ(f.device.counters().tx_dropped_size, 1u);
    for (int i = 0; i < 3; ++i)
        EXPECT_TRUE(f.tx.take_used());
    EXPECT_TRUE(f.events.resets.empty());
}

TEST(VirtioNet, TransmitWaitsWhileTheBackendIsFull) {
    NetFixture f;
    f.backend.room = 1;
    for (uint8_t i = 0; i < 3; ++i)
        f.tx.offer(f.tx_chain(make_frame(200, i), 2));
    f.device.queue_notify(NetDevice::kTxQueue);
    EXPECT_EQ(f.backend.frames.size(), 1u);
    EXPECT_EQ(f.tx.used_idx(), 1); // the rest stay in the ring, nothing lost
    f.backend.room = 10;
    f.device.backend_ready();
    ASSERT_EQ(f.backend.frames.size(), 3u);
    EXPECT_EQ(f.backend.frames[2], make_frame(200, 2));
    EXPECT_EQ(f.device.counters().tx_dropped_backend, 0u);
}

TEST(VirtioNet, ReceivesFullSizeFrameWithHeader) {
    NetFixture f;
    const Desc buffer = f.rx.writable(12 + 1518); // Linux's small-buffer layout
    f.rx.offer({buffer});
    const auto frame = make_frame(1514);
    EXPECT_EQ(f.device.receive(frame), RxResult::Delivered);
    const auto used = f.rx.take_used();
    ASSERT_TRUE(used);
    EXPECT_EQ(used->len, 12u + 1514u);
    const auto written = f.rx.read(GuestPhysAddr(buffer.addr), 12 + 1514);
    NetHeader header;
    std::memcpy(&header, written.data(), sizeof header);
    EXPECT_EQ(header.num_buffers, 1);
    EXPECT_EQ(header.flags, 0);
    EXPECT_EQ(header.gso_type, 0);
    EXPECT_TRUE(std::equal(frame.begin(), frame.end(), written.begin() + 12));
    EXPECT_EQ(f.events.interrupts, std::vector<unsigned>{NetDevice::kRxQueue});
    EXPECT_EQ(f.device.counters().rx_frames, 1u);
}

TEST(VirtioNet, ReceivesIntoScatteredBuffers) {
    NetFixture f;
    const Desc header = f.rx.writable(12);
    const Desc a = f.rx.writable(1000);
    const Desc b = f.rx.writable(8100);
    f.rx.offer({header, a, b});
    const auto frame = make_frame(9014);
    EXPECT_EQ(f.device.receive(frame), RxResult::Delivered);
    EXPECT_EQ(f.rx.take_used()->len, 12u + 9014u);
    auto got = f.rx.read(GuestPhysAddr(a.addr), 1000);
    const auto rest = f.rx.read(GuestPhysAddr(b.addr), 8014);
    got.insert(got.end(), rest.begin(), rest.end());
    EXPECT_EQ(got, frame);
}

TEST(VirtioNet, NoReceiveBufferIsBackPressureNotLoss) {
    NetFixture f;
    const auto frame = make_frame(64);
    EXPECT_EQ(f.device.receive(frame), RxResult::NoBuffer);
    EXPECT_EQ(f.device.counters().rx_no_buffer, 1u);
    EXPECT_FALSE(f.device.rx_ready());
    f.rx.offer({f.rx.writable(1530)});
    f.device.queue_notify(NetDevice::kRxQueue);
    EXPECT_TRUE(f.device.rx_ready());
    EXPECT_FALSE(f.device.rx_ready()); // told once
    EXPECT_EQ(f.device.receive(frame), RxResult::Delivered);
}

TEST(VirtioNet, TooSmallReceiveBufferDropsTheFrameAndReturnsTheBuffer) {
    NetFixture f;
    f.rx.offer({f.rx.writable(100)});
    EXPECT_EQ(f.device.receive(make_frame(1514)), RxResult::Dropped);
    EXPECT_EQ(f.device.counters().rx_dropped_small, 1u);
    EXPECT_EQ(f.rx.take_used()->len, 0u);
    EXPECT_TRUE(f.events.resets.empty());
}

TEST(VirtioNet, ReceiveDropsWhenNotReadyLinkDownOrOversized) {
    FakeRam ram;
    RecordingBackend backend;
    RecordingEvents events;
    NetDevice device(ram.memory(), backend, events, kMac);
    EXPECT_EQ(device.receive(make_frame(60)), RxResult::Dropped); // no DRIVER_OK
    NetFixture f;
    f.rx.offer({f.rx.writable(1530)});
    EXPECT_EQ(f.device.receive({}), RxResult::Dropped);
    EXPECT_EQ(f.device.receive(make_frame(NetDevice::kMaxFrameBytes + 1)), RxResult::Dropped);
    EXPECT_EQ(f.device.counters().rx_dropped_size, 2u);
    f.device.set_link(false);
    EXPECT_EQ(f.device.receive(make_frame(60)), RxResult::Dropped);
    EXPECT_EQ(f.device.counters().rx_dropped_not_ready, 1u);
    EXPECT_EQ(f.rx.used_idx(), 0); // the buffer is still the driver's to use
}

TEST(VirtioNet, EventIdxSuppressesInterrupts) {
    NetFixture f;
    f.rx.set_used_event(2); // interrupt once the third buffer is used
    for (int i = 0; i < 3; ++i)
        f.rx.offer({f.rx.writable(1530)});
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(f.device.receive(make_frame(60)), RxResult::Delivered);
    EXPECT_EQ(f.events.interrupts, std::vector<unsigned>{NetDevice::kRxQueue});
    EXPECT_EQ(f.device.queue(NetDevice::kRxQueue).counters().interrupts_suppressed, 2u);
}

TEST(VirtioNet, HostileTransmitRingNeedsResetAndStops) {
    NetFixture f(false);
    f.tx.offer({f.tx_chain(make_frame(60), 1)[0], Desc{0x1000, 64, 0, 0}});
    f.device.queue_notify(NetDevice::kTxQueue);
    ASSERT_EQ(f.events.resets.size(), 1u);
    EXPECT_EQ(f.events.resets[0].first, NetDevice::kTxQueue);
    EXPECT_EQ(f.events.resets[0].second, QueueError::BufferOutsideRam);
    EXPECT_TRUE(f.backend.frames.empty());
    f.tx.offer(f.tx_chain(make_frame(60), 1));
    f.device.queue_notify(NetDevice::kTxQueue); // a broken queue stays quiet
    EXPECT_EQ(f.events.resets.size(), 1u);
    EXPECT_TRUE(f.backend.frames.empty());
    // Receive still works: one queue's fault is that queue's.
    f.rx.offer({f.rx.writable(1530)});
    EXPECT_EQ(f.device.receive(make_frame(60)), RxResult::Delivered);
    // After a device reset the driver starts over.
    f.device.reset();
    EXPECT_EQ(f.device.driver_features(), 0u);
    EXPECT_FALSE(f.device.queue(NetDevice::kTxQueue).ready());
}

TEST(VirtioNet, StartQueueRefusesBadQueuesAndSizes) {
    NetFixture f;
    const QueueConfig& c = f.tx.config();
    EXPECT_EQ(f.device.start_queue(2, c.desc, c.avail, c.used, 16), QueueError::NotReady);
    EXPECT_EQ(f.device.start_queue(1, c.desc, c.avail, c.used, 512), QueueError::BadSize);
    EXPECT_EQ(f.device.start_queue(1, c.desc + 4, c.avail, c.used, 16), QueueError::MisalignedRing);
}

} // namespace
} // namespace virtio
