// Rings between components (shared_ring.hpp, virtqueue_driver.hpp): the layout rule, the
// driver against the device side (virtio::Virtqueue) over one shared buffer, chained
// messages, wrap-around, back-pressure, device-writable buffers, notification flags, and
// a hostile peer on either side, which must stop its ring without the other side
// touching anything outside the buffer.
#include <virtio/shared_ring.hpp>
#include <virtio/virtqueue.hpp>
#include <virtio/virtqueue_driver.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <vector>

namespace virtio {
namespace {

std::vector<std::byte> message(std::size_t len, uint8_t seed) {
    std::vector<std::byte> m(len);
    for (std::size_t i = 0; i < len; ++i)
        m[i] = std::byte(static_cast<uint8_t>(seed + i * 13));
    return m;
}

// Both ends of one ring over one buffer (with a guard on each side that must stay intact).
struct Ring {
    explicit Ring(std::size_t bytes = 32768) : storage(bytes + 2 * kGuard, std::byte{0x5a}) {
        EXPECT_TRUE(driver_buffer.attach(buffer()));
        EXPECT_TRUE(device_buffer.attach(buffer()));
        layout = *SharedRingLayout::for_buffer(bytes);
        EXPECT_TRUE(driver.configure(driver_buffer.memory(), layout));
        EXPECT_EQ(device.configure(layout.queue_config()), QueueError::None);
    }
    std::span<std::byte> buffer() {
        return std::span(storage).subspan(kGuard, storage.size() - 2 * kGuard);
    }
    bool guards_intact() const {
        for (std::size_t i = 0; i < kGuard; ++i) {
            if (storage[i] != std::byte{0x5a} || storage[storage.size() - 1 - i] != std::byte{0x5a})
                return false;
        }
        return true;
    }
    // The device takes one message, returns its buffers, and says what it read.
    std::optional<std::vector<std::byte>> take() {
        const auto chain = device.pop(segments);
        if (!chain) return std::nullopt;
        std::vector<std::byte> out(chain->readable_bytes);
        EXPECT_EQ(read_from_chain(device_buffer.memory(), *chain, 0, out), out.size());
        EXPECT_TRUE(device.push(*chain, 0));
        last_segments = chain->segments.size();
        return out;
    }
    template <class T> void poke(uint64_t offset, T value) {
        std::memcpy(buffer().data() + offset, &value, sizeof value);
    }

    static constexpr std::size_t kGuard = 4096;
    std::vector<std::byte> storage;
    SharedBuffer driver_buffer;
    SharedBuffer device_buffer;
    SharedRingLayout layout;
    VirtqueueDriver driver;
    Virtqueue device{device_buffer.memory()};
    std::array<Segment, 64> segments{};
    std::size_t last_segments = 0;
};

TEST(SharedRing, LayoutComesFromTheBufferSizeAlone) {
    const auto big = SharedRingLayout::for_buffer(32768);
    ASSERT_TRUE(big);
    EXPECT_EQ(big->size, 256);
    EXPECT_EQ(big->desc, 0u);
    EXPECT_EQ(big->avail, 4096u);
    EXPECT_EQ(big->used, 4616u);
    EXPECT_EQ(big->pool % kSharedSlotBytes, 0u);
    EXPECT_GE(big->pool, big->used + used_ring_bytes(256));
    EXPECT_EQ(big->pool + uint64_t{big->slots} * kSharedSlotBytes, 32768u);
    const auto small = SharedRingLayout::for_buffer(8192);
    ASSERT_TRUE(small);
    EXPECT_EQ(small->size, 64);
    EXPECT_LE(small->used + used_ring_bytes(64), 8192u / 4);
    EXPECT_FALSE(SharedRingLayout::for_buffer(1024));
    EXPECT_FALSE(SharedRingLayout::for_buffer(0));
}

TEST(SharedRing, FullSizeFrameTravelsAsAChainOfSlots) {
    Ring r;
    const auto frame = message(1514, 3);
    EXPECT_EQ(r.driver.send(frame), SendResult::Sent);
    EXPECT_EQ(r.driver.in_flight(), 1);
    const auto got = r.take();
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, frame);
    EXPECT_EQ(r.last_segments, 3u); // 512 + 512 + 490
    EXPECT_EQ(r.driver.reclaim(), 1u);
    EXPECT_EQ(r.driver.in_flight(), 0);
    EXPECT_EQ(r.driver.counters().sent, 1u);
    EXPECT_EQ(r.driver.counters().completed, 1u);
    EXPECT_TRUE(r.guards_intact());
}

TEST(SharedRing, SeventyThousandMessagesWrapTheIndexes) {
    Ring r(8192); // 64 entries, 12 slots
    std::size_t received = 0;
    for (uint32_t i = 0; i < 70000; ++i) {
        const auto m = message(1 + i % 700, static_cast<uint8_t>(i));
        ASSERT_EQ(r.driver.send(m), SendResult::Sent) << i;
        if (i % 3 == 2) {
            for (auto got = r.take(); got; got = r.take())
                ++received;
            r.driver.reclaim();
        }
        if (!r.driver.has_room(700)) {
            for (auto got = r.take(); got; got = r.take())
                ++received;
            r.driver.reclaim();
        }
    }
    for (auto got = r.take(); got; got = r.take())
        ++received;
    r.driver.reclaim();
    EXPECT_EQ(received, 70000u);
    EXPECT_EQ(r.driver.error(), DriverError::None);
    EXPECT_FALSE(r.device.broken());
    EXPECT_TRUE(r.guards_intact());
}

TEST(SharedRing, FullRingIsBackPressureNotLoss) {
    Ring r(8192);
    std::vector<std::vector<std::byte>> sent;
    for (uint8_t i = 0;; ++i) {
        auto m = message(1000, i);
        const SendResult s = r.driver.send(m);
        if (s == SendResult::Full) break;
        ASSERT_EQ(s, SendResult::Sent);
        sent.push_back(std::move(m));
    }
    EXPECT_EQ(sent.size(), r.layout.slots / 2); // two slots per 1000-byte message
    EXPECT_FALSE(r.driver.has_room(1000));
    EXPECT_EQ(r.driver.counters().full, 1u);
    EXPECT_EQ(r.driver.send(message(r.layout.slots * kSharedSlotBytes + 1, 0)), SendResult::TooBig);
    // The device catches up: every message arrives, and there is room again.
    for (const auto& m : sent)
        EXPECT_EQ(r.take(), m);
    EXPECT_EQ(r.driver.reclaim(), sent.size());
    EXPECT_TRUE(r.driver.has_room(1000));
}

class Collect final : public UsedSink {
public:
    void used(std::span<const std::byte> written) override {
        bytes.insert(bytes.end(), written.begin(), written.end());
    }
    std::vector<std::byte> bytes;
};

TEST(SharedRing, DeviceFillsPostedBuffers) {
    Ring r;
    ASSERT_EQ(r.driver.post(1200), SendResult::Sent);
    const auto chain = r.device.pop(r.segments);
    ASSERT_TRUE(chain);
    EXPECT_EQ(chain->readable_bytes, 0u);
    EXPECT_EQ(chain->writable_bytes, 1200u);
    const auto reply = message(700, 9);
    EXPECT_EQ(write_to_chain(r.device_buffer.memory(), *chain, 0, reply), 700u);
    EXPECT_TRUE(r.device.push(*chain, 700));
    Collect sink;
    EXPECT_EQ(r.driver.reclaim(&sink), 1u);
    EXPECT_EQ(sink.bytes, reply);
}

TEST(SharedRing, DeviceAsksForNoNotificationsWhilePolling) {
    Ring r;
    ASSERT_EQ(r.driver.send(message(10, 1)), SendResult::Sent);
    EXPECT_TRUE(r.driver.should_notify());
    r.device.disable_notifications();
    ASSERT_EQ(r.driver.send(message(10, 2)), SendResult::Sent);
    EXPECT_FALSE(r.driver.should_notify());
    EXPECT_TRUE(r.device.enable_notifications()); // both still there
    EXPECT_EQ(r.driver.counters().notifies, 1u);
    EXPECT_EQ(r.driver.counters().notifies_suppressed, 1u);
    ASSERT_TRUE(r.take());
    EXPECT_TRUE(r.device.should_interrupt()); // the driver never sets NO_INTERRUPT
}

// A device that writes garbage into the used ring stops the driver's ring; the driver
// reads nothing through it and its buffers stay its own.
TEST(SharedRing, HostileDeviceStopsTheDriverRing) {
    struct Case {
        const char* what;
        void (*corrupt)(Ring&);
        DriverError error;
    };
    const Case cases[] = {
        {"used idx far ahead", [](Ring& r) { r.poke<uint16_t>(r.layout.used + 2, 40); },
         DriverError::UsedIndexJump},
        {"used idx backwards", [](Ring& r) { r.poke<uint16_t>(r.layout.used + 2, 0xffff); },
         DriverError::UsedIndexJump},
        {"id beyond the ring",
         [](Ring& r) {
             r.poke<uint32_t>(r.layout.used + 4, 5000);
             r.poke<uint16_t>(r.layout.used + 2, 1);
         },
         DriverError::BadUsedId},
        {"id not in flight",
         [](Ring& r) {
             r.poke<uint32_t>(r.layout.used + 4, 7);
             r.poke<uint16_t>(r.layout.used + 2, 1);
         },
         DriverError::BadUsedId},
        {"length on a readable chain",
         [](Ring& r) {
             r.poke<uint32_t>(r.layout.used + 4, 0); // the head of the first chain
             r.poke<uint32_t>(r.layout.used + 8, 4096);
             r.poke<uint16_t>(r.layout.used + 2, 1);
         },
         DriverError::BadUsedLength},
    };
    for (const Case& c : cases) {
        Ring r;
        ASSERT_EQ(r.driver.send(message(100, 1)), SendResult::Sent);
        ASSERT_EQ(r.driver.send(message(100, 2)), SendResult::Sent);
        c.corrupt(r);
        Collect sink;
        EXPECT_EQ(r.driver.reclaim(&sink), 0u) << c.what;
        EXPECT_EQ(r.driver.error(), c.error) << c.what;
        EXPECT_TRUE(sink.bytes.empty()) << c.what;
        EXPECT_EQ(r.driver.send(message(10, 3)), SendResult::Broken) << c.what;
        EXPECT_TRUE(r.guards_intact()) << c.what;
        EXPECT_STRNE(to_string(c.error), "unknown error");
    }
}

// A driver that writes garbage into the ring: the device side refuses buffers outside
// the shared buffer or on the rings, and stops.
TEST(SharedRing, HostileDriverStopsTheDeviceRing) {
    struct Case {
        const char* what;
        uint64_t addr;
        uint32_t len;
        QueueError error;
    };
    const Case cases[] = {
        {"past the buffer", 32768 - 10, 100, QueueError::BufferOutsideRam},
        {"far outside", uint64_t{1} << 40, 100, QueueError::BufferOutsideRam},
        {"on the descriptor table", 16, 100, QueueError::BufferOverlapsRing},
        {"wrapping", ~uint64_t{0} - 10, 100, QueueError::LengthOverflow},
        {"empty", 20000, 0, QueueError::ZeroLength},
    };
    for (const Case& c : cases) {
        Ring r;
        ASSERT_EQ(r.driver.send(message(100, 1)), SendResult::Sent);
        const uint16_t head = 0; // the driver's first chain
        r.poke<uint64_t>(r.layout.desc + 16 * head, c.addr);
        r.poke<uint32_t>(r.layout.desc + 16 * head + 8, c.len);
        EXPECT_FALSE(r.take()) << c.what;
        EXPECT_EQ(r.device.error(), c.error) << c.what;
        EXPECT_TRUE(r.guards_intact()) << c.what;
    }
}

} // namespace
} // namespace virtio
