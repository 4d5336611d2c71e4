// The virtio-console device model through fake rings: the modern-only feature set, output
// to the backend in order with back-pressure (a chain waits in flight, nothing is lost),
// input into the driver's posted buffers as far as they reach, a hostile ring, and the
// transmit interrupt decided late (at the next kick or wait) for a driver that polls.
#include "fake_driver.hpp"

#include <virtio/console.hpp>

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace virtio {
namespace {

using test::FakeDriver;
using test::FakeRam;

class TextBackend final : public ConsoleBackend {
public:
    std::size_t write(std::span<const char> bytes) override {
        const std::size_t n = bytes.size() < room ? bytes.size() : room;
        text.append(bytes.data(), n);
        room -= n;
        return n;
    }
    void flush() override { ++flushes; }
    bool defer_transmit_interrupt() override {
        ++deferrals;
        return defer;
    }
    std::size_t room = 1 << 20;
    std::string text;
    unsigned flushes = 0;
    bool defer = false;     // what defer_transmit_interrupt() answers
    unsigned deferrals = 0; // how often the device asked
};

class Events final : public DeviceEvents {
public:
    void used_buffers(unsigned queue) override { interrupts.push_back(queue); }
    void config_changed() override {}
    void needs_reset(unsigned queue, QueueError error) override {
        resets.emplace_back(queue, error);
    }
    std::vector<unsigned> interrupts;
    std::vector<std::pair<unsigned, QueueError>> resets;
};

struct ConsoleFixture {
    explicit ConsoleFixture(bool event_idx = false)
        : rx(ram, {.size = 16, .event_idx = event_idx, .indirect = true}),
          tx(ram, {.size = 16, .event_idx = event_idx, .indirect = true}),
          device(ram.memory(), backend, events) {
        EXPECT_TRUE(device.set_driver_features(ConsoleDevice::kFeatures &
                                               (event_idx ? ~uint64_t{0} : ~kFeatureEventIdx)));
        start(ConsoleDevice::kRxQueue, rx);
        start(ConsoleDevice::kTxQueue, tx);
        device.driver_ok();
    }
    void start(unsigned q, FakeDriver& d) {
        const QueueConfig& c = d.config();
        EXPECT_EQ(device.start_queue(q, c.desc, c.avail, c.used, c.size), QueueError::None);
    }
    FakeRam ram;
    FakeDriver rx;
    FakeDriver tx;
    TextBackend backend;
    Events events;
    ConsoleDevice device;
};

TEST(VirtioConsole, IsAModernConsoleWithTwoQueues) {
    FakeRam ram;
    TextBackend backend;
    Events events;
    ConsoleDevice device(ram.memory(), backend, events);
    EXPECT_EQ(device.device_id(), 3u);
    EXPECT_EQ(device.num_queues(), 2u);
    EXPECT_EQ(device.max_queue_size(2), 0);
    EXPECT_FALSE(device.set_driver_features(0));                     // legacy driver
    EXPECT_FALSE(device.set_driver_features(kFeatureVersion1 | 1u)); // F_SIZE not offered
    EXPECT_TRUE(device.set_driver_features(kFeatureVersion1));
    uint32_t v = 1;
    EXPECT_TRUE(device.read_config(0, 4, v));
    EXPECT_EQ(v, 0u);
    EXPECT_FALSE(device.read_config(12, 4, v));
}

TEST(VirtioConsole, OutputReachesTheBackendInOrder) {
    ConsoleFixture f;
    f.tx.offer({f.tx.readable("hello "), f.tx.readable("world")});
    f.tx.publish(*f.tx.add_indirect({f.tx.readable("\n/ # ")}));
    f.device.queue_notify(ConsoleDevice::kTxQueue);
    EXPECT_EQ(f.backend.text, "hello world\n/ # ");
    EXPECT_EQ(f.tx.take_used()->len, 0u);
    EXPECT_EQ(f.tx.take_used()->len, 0u);
    EXPECT_EQ(f.events.interrupts, std::vector<unsigned>{ConsoleDevice::kTxQueue});
    EXPECT_GE(f.backend.flushes, 1u);
    EXPECT_EQ(f.device.counters().tx_bytes, 16u);
}

TEST(VirtioConsole, AFullBackendHoldsTheChainAndLosesNothing) {
    ConsoleFixture f;
    std::string sent;
    for (int i = 0; i < 3; ++i) {
        const std::string piece(700, static_cast<char>('a' + i));
        f.tx.offer({f.tx.readable(piece)});
        sent += piece;
    }
    f.backend.room = 1000;
    f.device.queue_notify(ConsoleDevice::kTxQueue);
    EXPECT_EQ(f.backend.text, sent.substr(0, 1000));
    // The first chain is done, the second waits in flight.
    EXPECT_TRUE(f.tx.take_used().has_value());
    EXPECT_FALSE(f.tx.take_used().has_value());
    EXPECT_EQ(f.device.counters().tx_waits, 1u);
    f.backend.room = 1 << 20;
    f.device.backend_ready();
    EXPECT_EQ(f.backend.text, sent);
    EXPECT_TRUE(f.tx.take_used().has_value());
    EXPECT_TRUE(f.tx.take_used().has_value());
}

// With event indexes and a backend that will hear when the guest waits, a kick's transmit
// interrupt is decided later: dropped if the driver has taken the buffer back by then
// (used_event caught up), raised if not.
TEST(VirtioConsole, TheKicksTransmitInterruptIsDecidedAtTheNextKickOrWait) {
    ConsoleFixture f(true);
    f.backend.defer = true;
    f.tx.offer({f.tx.readable("one\n")});
    f.device.queue_notify(ConsoleDevice::kTxQueue);
    EXPECT_TRUE(f.events.interrupts.empty());
    EXPECT_EQ(f.device.counters().tx_deferred, 1u);
    ASSERT_TRUE(f.tx.take_used().has_value()); // the driver polls it back
    f.tx.set_used_event(f.tx.used_idx());
    f.tx.offer({f.tx.readable("two\n")});
    f.device.queue_notify(ConsoleDevice::kTxQueue); // "one" needs no interrupt now
    EXPECT_TRUE(f.events.interrupts.empty());
    f.device.settle_transmit_interrupt(); // the guest waits without taking "two" back
    EXPECT_EQ(f.events.interrupts, std::vector<unsigned>{ConsoleDevice::kTxQueue});
    f.device.settle_transmit_interrupt(); // decided once
    EXPECT_EQ(f.events.interrupts.size(), 1u);
    EXPECT_EQ(f.backend.text, "one\ntwo\n");
}

TEST(VirtioConsole, WithoutEventIndexesOrADeferringBackendTheInterruptComesWithTheKick) {
    ConsoleFixture plain(false);
    plain.backend.defer = true;
    plain.tx.offer({plain.tx.readable("x")});
    plain.device.queue_notify(ConsoleDevice::kTxQueue);
    EXPECT_EQ(plain.events.interrupts.size(), 1u);
    EXPECT_EQ(plain.backend.deferrals, 0u);
    ConsoleFixture no_listener(true); // the backend cannot hear when the guest waits
    no_listener.tx.offer({no_listener.tx.readable("x")});
    no_listener.device.queue_notify(ConsoleDevice::kTxQueue);
    EXPECT_EQ(no_listener.events.interrupts.size(), 1u);
    EXPECT_EQ(no_listener.backend.deferrals, 1u);
}

TEST(VirtioConsole, InputFillsPostedBuffersAndWaitsForMore) {
    ConsoleFixture f;
    const auto a = f.rx.writable(4);
    const auto b = f.rx.writable(4);
    f.rx.offer({a});
    f.rx.offer({b});
    EXPECT_TRUE(f.device.rx_ready());
    EXPECT_EQ(f.device.receive(std::string_view("abcdefghij")), 8u);
    const auto first = f.rx.take_used();
    const auto second = f.rx.take_used();
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->len, 4u);
    EXPECT_EQ(f.rx.text(GuestPhysAddr(a.addr), 4), "abcd");
    EXPECT_EQ(f.rx.text(GuestPhysAddr(b.addr), 4), "efgh");
    EXPECT_EQ(f.events.interrupts, std::vector<unsigned>{ConsoleDevice::kRxQueue});
    // No buffer left: the rest stays with the caller until the driver posts more.
    EXPECT_FALSE(f.device.rx_ready());
    EXPECT_EQ(f.device.receive(std::string_view("ij")), 0u);
    f.rx.offer({f.rx.writable(16)});
    f.device.queue_notify(ConsoleDevice::kRxQueue);
    EXPECT_TRUE(f.device.rx_ready());
    EXPECT_EQ(f.device.receive(std::string_view("ij")), 2u);
}

TEST(VirtioConsole, AHostileRingAsksForAResetAndMovesNothing) {
    ConsoleFixture f;
    f.tx.set_avail_idx(200); // far more chains than the ring holds
    f.device.queue_notify(ConsoleDevice::kTxQueue);
    ASSERT_EQ(f.events.resets.size(), 1u);
    EXPECT_EQ(f.events.resets[0].first, ConsoleDevice::kTxQueue);
    EXPECT_TRUE(f.backend.text.empty());
}

TEST(VirtioConsole, ResetForgetsTheDriver) {
    ConsoleFixture f;
    f.backend.room = 2;
    f.tx.offer({f.tx.readable("abc")});
    f.device.queue_notify(ConsoleDevice::kTxQueue);
    f.device.reset();
    f.backend.room = 100;
    f.device.backend_ready(); // nothing in flight any more, no driver
    EXPECT_EQ(f.backend.text, "ab");
    EXPECT_FALSE(f.device.rx_ready());
}

} // namespace
} // namespace virtio
