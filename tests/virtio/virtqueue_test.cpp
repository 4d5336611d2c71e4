// The device side of a split virtqueue against a fake driver: both directions, batches,
// 16-bit index wrap-around, scatter and indirect chains, notification suppression, and
// hostile rings (each one must latch its error without touching memory outside RAM).
#include "fake_driver.hpp"

#include <virtio/virtqueue.hpp>

#include <gtest/gtest.h>

#include <array>
#include <ostream>
#include <string>

namespace virtio {

// gtest prints the reason, not a byte.
void PrintTo(QueueError error, std::ostream* os) {
    *os << to_string(error);
}

namespace {

using test::Desc;
using test::FakeDriver;
using test::kRamBase;

struct Fixture {
    explicit Fixture(FakeDriver::Options options = {}) : driver(options), queue(driver.memory()) {
        EXPECT_EQ(queue.configure(driver.config()), QueueError::None);
    }
    std::optional<Chain> pop() { return queue.pop(storage); }

    FakeDriver driver;
    Virtqueue queue;
    std::array<Segment, 8> storage{};
};

std::string read_all(FakeDriver& driver, const Chain& chain) {
    std::string out(chain.readable_bytes, '\0');
    EXPECT_EQ(read_from_chain(driver.memory(), chain, 0, std::as_writable_bytes(std::span(out))),
              out.size());
    return out;
}

std::size_t write_text(FakeDriver& driver, const Chain& chain, std::string_view text,
                       uint64_t offset = 0) {
    return write_to_chain(driver.memory(), chain, offset,
                          std::as_bytes(std::span(text.data(), text.size())));
}

// ---- configuration ----

TEST(VirtqueueConfig, AcceptsTheFakeDriversLayout) {
    FakeDriver driver;
    Virtqueue queue(driver.memory());
    EXPECT_FALSE(queue.ready());
    EXPECT_EQ(queue.error(), QueueError::NotReady);
    EXPECT_FALSE(queue.pop(std::span<Segment>()));
    EXPECT_EQ(queue.configure(driver.config()), QueueError::None);
    EXPECT_TRUE(queue.ready());
    EXPECT_FALSE(queue.broken());
}

TEST(VirtqueueConfig, SizeMustBeAPowerOfTwoUpTo32768) {
    FakeDriver driver({.size = 16});
    Virtqueue queue(driver.memory());
    QueueConfig c = driver.config();
    for (uint16_t bad : {0, 3, 12, 33000, 65535}) {
        c.size = bad;
        EXPECT_EQ(queue.configure(c), QueueError::BadSize) << bad;
        EXPECT_FALSE(queue.ready());
    }
    c.size = 1;
    EXPECT_EQ(queue.configure(c), QueueError::None);
    FakeDriver big({.size = 32768});
    Virtqueue big_queue(big.memory());
    EXPECT_EQ(big_queue.configure(big.config()), QueueError::None);
}

TEST(VirtqueueConfig, AreasMustBeAlignedInsideRamAndApart) {
    FakeDriver driver;
    Virtqueue queue(driver.memory());
    const QueueConfig good = driver.config();
    QueueConfig c = good;
    c.desc = good.desc + 8;
    EXPECT_EQ(queue.configure(c), QueueError::MisalignedRing);
    c = good;
    c.avail = good.avail + 1;
    EXPECT_EQ(queue.configure(c), QueueError::MisalignedRing);
    c = good;
    c.used = good.used + 2;
    EXPECT_EQ(queue.configure(c), QueueError::MisalignedRing);
    c = good;
    c.used = driver.ram_end() - 64; // runs past the end of RAM
    EXPECT_EQ(queue.configure(c), QueueError::RingOutsideRam);
    c = good;
    c.desc = GuestPhysAddr(0x1000);
    EXPECT_EQ(queue.configure(c), QueueError::RingOutsideRam);
    c = good;
    c.desc = GuestPhysAddr(0xfffffffffffffff0);
    EXPECT_EQ(queue.configure(c), QueueError::RingOutsideRam);
    c = good;
    c.avail = good.desc + 16 * 15;
    EXPECT_EQ(queue.configure(c), QueueError::RingsOverlap);
    c = good;
    c.used = good.avail;
    EXPECT_EQ(queue.configure(c), QueueError::RingsOverlap);
}

// ---- both directions ----

TEST(Virtqueue, EmptyQueuePopsNothing) {
    Fixture f;
    EXPECT_FALSE(f.queue.has_available());
    EXPECT_FALSE(f.pop());
    EXPECT_FALSE(f.queue.broken());
}

TEST(Virtqueue, DeviceReadsWhatTheDriverOffered) {
    Fixture f;
    const auto head = f.driver.offer({f.driver.readable("hello, device")});
    ASSERT_TRUE(head);
    EXPECT_TRUE(f.queue.has_available());
    const auto chain = f.pop();
    ASSERT_TRUE(chain);
    EXPECT_EQ(chain->head, *head);
    EXPECT_EQ(chain->readable().size(), 1u);
    EXPECT_TRUE(chain->writable().empty());
    EXPECT_EQ(read_all(f.driver, *chain), "hello, device");
    EXPECT_EQ(f.queue.in_flight(), 1);
    EXPECT_TRUE(f.queue.push(*chain, 0));
    EXPECT_EQ(f.queue.in_flight(), 0);
    const auto used = f.driver.take_used();
    ASSERT_TRUE(used);
    EXPECT_EQ(used->id, *head);
    EXPECT_EQ(used->len, 0u);
    EXPECT_FALSE(f.pop());
}

TEST(Virtqueue, DeviceWritesAndTheDriverSeesTheLength) {
    Fixture f;
    const Desc buffer = f.driver.writable(64);
    const auto head = f.driver.offer({buffer});
    const auto chain = f.pop();
    ASSERT_TRUE(chain);
    EXPECT_TRUE(chain->readable().empty());
    EXPECT_EQ(chain->writable_bytes, 64u);
    EXPECT_EQ(write_text(f.driver, *chain, "frame"), 5u);
    EXPECT_TRUE(f.queue.push(*chain, 5));
    const auto used = f.driver.take_used();
    ASSERT_TRUE(used);
    EXPECT_EQ(used->id, *head);
    EXPECT_EQ(used->len, 5u);
    EXPECT_EQ(f.driver.text(GuestPhysAddr(buffer.addr), 6), std::string("frame\xcc"));
}

TEST(Virtqueue, ChainedScatterBuffersComeReadableFirst) {
    Fixture f;
    const Desc in1 = f.driver.writable(3);
    const Desc in2 = f.driver.writable(10);
    f.driver.offer(
        {f.driver.readable("head"), f.driver.readable("er+"), f.driver.readable("body"), in1, in2});
    const auto chain = f.pop();
    ASSERT_TRUE(chain);
    ASSERT_EQ(chain->segments.size(), 5u);
    EXPECT_EQ(chain->readable().size(), 3u);
    EXPECT_EQ(chain->writable().size(), 2u);
    EXPECT_EQ(chain->readable_bytes, 11u);
    EXPECT_EQ(chain->writable_bytes, 13u);
    EXPECT_EQ(read_all(f.driver, *chain), "header+body");
    // Reads and writes at an offset cross segment boundaries.
    std::string part(5, '\0');
    EXPECT_EQ(
        read_from_chain(f.driver.memory(), *chain, 3, std::as_writable_bytes(std::span(part))), 5u);
    EXPECT_EQ(part, "der+b");
    EXPECT_EQ(write_text(f.driver, *chain, "0123456789abcdef", 1), 12u); // 13 - 1 fit
    EXPECT_EQ(f.driver.text(GuestPhysAddr(in1.addr), 3), std::string("\xcc"
                                                                     "01"));
    EXPECT_EQ(f.driver.text(GuestPhysAddr(in2.addr), 10), "23456789ab");
    EXPECT_TRUE(f.queue.push(*chain, 13));
    EXPECT_EQ(f.driver.take_used()->len, 13u);
}

TEST(Virtqueue, MultiEntryBatchInOrder) {
    Fixture f({.size = 8});
    std::vector<uint16_t> heads;
    for (int i = 0; i < 8; ++i)
        heads.push_back(*f.driver.offer({f.driver.readable("frame " + std::to_string(i))}));
    std::vector<Chain> chains;
    std::vector<std::array<Segment, 1>> storage(8);
    for (int i = 0; i < 8; ++i) {
        auto chain = f.queue.pop(storage[i]);
        ASSERT_TRUE(chain);
        EXPECT_EQ(chain->head, heads[i]);
        EXPECT_EQ(read_all(f.driver, *chain), "frame " + std::to_string(i));
        chains.push_back(*chain);
    }
    EXPECT_FALSE(f.pop());
    EXPECT_EQ(f.queue.in_flight(), 8);
    // Used out of order, as a device may.
    for (int i = 7; i >= 0; --i)
        EXPECT_TRUE(f.queue.push(chains[i], 0));
    for (int i = 7; i >= 0; --i)
        EXPECT_EQ(f.driver.take_used()->id, heads[i]);
    EXPECT_EQ(f.queue.counters().popped, 8u);
    EXPECT_EQ(f.queue.counters().pushed, 8u);
}

TEST(Virtqueue, IndexesWrapAround) {
    Fixture f({.size = 4});
    // 70,000 chains in batches of 3 carry both 16-bit indexes past 65535 several ways.
    uint32_t total = 0;
    for (int round = 0; total < 70000; ++round) {
        for (int i = 0; i < 3; ++i)
            ASSERT_TRUE(f.driver.offer({f.driver.writable(4)}));
        for (int i = 0; i < 3; ++i) {
            const auto chain = f.pop();
            ASSERT_TRUE(chain) << "round " << round;
            ASSERT_TRUE(f.queue.push(*chain, 4));
        }
        for (int i = 0; i < 3; ++i)
            ASSERT_TRUE(f.driver.take_used());
        total += 3;
    }
    EXPECT_FALSE(f.queue.broken());
    EXPECT_EQ(f.driver.used_idx(), static_cast<uint16_t>(total));
    EXPECT_EQ(f.driver.avail_idx(), static_cast<uint16_t>(total));
}

TEST(Virtqueue, IndirectTableHoldsTheWholeChain) {
    Fixture f({.indirect = true});
    const Desc in = f.driver.writable(8);
    const auto head =
        f.driver.add_indirect({f.driver.readable("ind"), f.driver.readable("irect"), in});
    f.driver.publish(*head);
    const auto chain = f.pop();
    ASSERT_TRUE(chain);
    EXPECT_EQ(chain->head, *head);
    EXPECT_EQ(read_all(f.driver, *chain), "indirect");
    EXPECT_EQ(chain->writable_bytes, 8u);
    EXPECT_TRUE(f.queue.push(*chain, 8));
    EXPECT_EQ(f.driver.take_used()->id, *head);
}

TEST(Virtqueue, DirectDescriptorsMayEndInOneIndirect) {
    Fixture f({.indirect = true});
    // head (direct, NEXT) -> indirect table (spec 2.7.5.3.2: the device must take it).
    const GuestPhysAddr table = f.driver.alloc(32);
    f.driver.write_desc_at(table, f.driver.readable("-tail"));
    f.driver.write_desc_at(table + 16, f.driver.writable(4));
    f.driver.put<uint16_t>(table + 12, kDescNext);
    f.driver.put<uint16_t>(table + 14, 1);
    Desc first = f.driver.readable("head");
    first.flags = kDescNext;
    first.next = 5;
    f.driver.write_desc(2, first);
    f.driver.write_desc(5, Desc{table.raw(), 32, kDescIndirect | kDescWrite, 0});
    f.driver.publish(2);
    const auto chain = f.pop();
    ASSERT_TRUE(chain);
    EXPECT_EQ(read_all(f.driver, *chain), "head-tail");
    EXPECT_EQ(chain->writable_bytes, 4u);
}

TEST(Virtqueue, MoreSegmentsThanTheDeviceTakes) {
    Fixture f;
    std::vector<Desc> descs;
    for (int i = 0; i < 9; ++i)
        descs.push_back(f.driver.readable("x"));
    f.driver.offer(descs);
    EXPECT_FALSE(f.pop()); // storage holds 8
    EXPECT_EQ(f.queue.error(), QueueError::TooManySegments);
}

// ---- notification suppression ----

TEST(VringNeedEvent, SignalsWhenTheEventIndexIsCrossed) {
    EXPECT_TRUE(vring_need_event(0, 1, 0));
    EXPECT_FALSE(vring_need_event(1, 1, 0));
    EXPECT_TRUE(vring_need_event(5, 8, 3));  // 5 in [3, 8)
    EXPECT_FALSE(vring_need_event(8, 8, 3)); // not reached yet
    EXPECT_FALSE(vring_need_event(2, 8, 3)); // already passed
    EXPECT_FALSE(vring_need_event(3, 3, 3)); // nothing new
    // Across the 16-bit wrap.
    EXPECT_TRUE(vring_need_event(65535, 2, 65534));
    EXPECT_TRUE(vring_need_event(0, 2, 65534));
    EXPECT_TRUE(vring_need_event(1, 2, 65534));
    EXPECT_FALSE(vring_need_event(2, 2, 65534));
    EXPECT_FALSE(vring_need_event(65533, 2, 65534));
}

TEST(VirtqueueSuppression, NoInterruptFlagWithoutEventIdx) {
    Fixture f;
    EXPECT_FALSE(f.queue.should_interrupt()); // nothing used yet
    f.driver.offer({f.driver.writable(4)});
    f.driver.offer({f.driver.writable(4)});
    EXPECT_TRUE(f.queue.push(*f.pop(), 1));
    EXPECT_TRUE(f.queue.should_interrupt());
    EXPECT_FALSE(f.queue.should_interrupt()); // nothing new since
    f.driver.set_avail_flags(kAvailNoInterrupt);
    EXPECT_TRUE(f.queue.push(*f.pop(), 1));
    EXPECT_FALSE(f.queue.should_interrupt());
    EXPECT_EQ(f.queue.counters().interrupts, 1u);
    EXPECT_EQ(f.queue.counters().interrupts_suppressed, 1u);
}

TEST(VirtqueueSuppression, UsedEventDecidesWithEventIdx) {
    Fixture f({.size = 8, .event_idx = true});
    f.driver.set_avail_flags(kAvailNoInterrupt); // ignored with EVENT_IDX
    for (int i = 0; i < 6; ++i)
        f.driver.offer({f.driver.writable(4)});
    f.driver.set_used_event(2);             // wake me when used idx passes 2 (entry 2 written)
    EXPECT_TRUE(f.queue.push(*f.pop(), 4)); // used idx 1
    EXPECT_FALSE(f.queue.should_interrupt());
    EXPECT_TRUE(f.queue.push(*f.pop(), 4)); // 2
    EXPECT_FALSE(f.queue.should_interrupt());
    EXPECT_TRUE(f.queue.push(*f.pop(), 4)); // 3: entry 2 written
    EXPECT_TRUE(f.queue.should_interrupt());
    // A batch that jumps over used_event still signals once.
    f.driver.set_used_event(4);
    EXPECT_TRUE(f.queue.push(*f.pop(), 4));
    EXPECT_TRUE(f.queue.push(*f.pop(), 4));
    EXPECT_TRUE(f.queue.push(*f.pop(), 4)); // 6
    EXPECT_TRUE(f.queue.should_interrupt());
    EXPECT_EQ(f.queue.counters().interrupts, 2u);
}

TEST(VirtqueueSuppression, UsedEventAcrossWrapAround) {
    Fixture f({.size = 4, .event_idx = true});
    // Run the used idx up to 65534 with the driver asking for every completion.
    for (uint32_t i = 0; i < 65534; ++i) {
        f.driver.set_used_event(static_cast<uint16_t>(i));
        f.driver.offer({f.driver.writable(1)});
        ASSERT_TRUE(f.queue.push(*f.pop(), 1));
        ASSERT_TRUE(f.queue.should_interrupt()) << i;
        f.driver.take_used();
    }
    f.driver.set_used_event(0); // after the wrap
    for (int i = 0; i < 2; ++i) {
        f.driver.offer({f.driver.writable(1)});
        ASSERT_TRUE(f.queue.push(*f.pop(), 1)); // used idx 65535, then 0
        EXPECT_FALSE(f.queue.should_interrupt());
        f.driver.take_used();
    }
    f.driver.offer({f.driver.writable(1)});
    ASSERT_TRUE(f.queue.push(*f.pop(), 1)); // entry 0 written: used idx 1
    EXPECT_TRUE(f.queue.should_interrupt());
}

TEST(VirtqueueSuppression, NoNotifyFlagWithoutEventIdx) {
    Fixture f;
    EXPECT_TRUE(f.driver.kick_needed(0));
    f.queue.disable_notifications();
    EXPECT_EQ(f.driver.used_flags(), kUsedNoNotify);
    f.driver.offer({f.driver.readable("a")});
    EXPECT_FALSE(f.driver.kick_needed(0));
    // Re-enabling tells the device a chain arrived while it was not listening.
    EXPECT_TRUE(f.queue.enable_notifications());
    EXPECT_EQ(f.driver.used_flags(), 0);
    EXPECT_TRUE(f.pop());
    EXPECT_FALSE(f.queue.enable_notifications());
}

TEST(VirtqueueSuppression, AvailEventWithEventIdx) {
    Fixture f({.size = 8, .event_idx = true});
    EXPECT_FALSE(f.queue.enable_notifications());
    EXPECT_EQ(f.driver.avail_event(), 0);
    f.driver.offer({f.driver.readable("a")});
    EXPECT_TRUE(f.driver.kick_needed(0)); // 0 -> 1 crosses avail_event 0
    ASSERT_TRUE(f.pop());
    EXPECT_EQ(f.driver.avail_event(), 1); // next: entry 1
    f.queue.disable_notifications();
    f.driver.offer({f.driver.readable("b")});
    ASSERT_TRUE(f.pop());
    EXPECT_EQ(f.driver.avail_event(), 1); // not advanced while disabled
    f.driver.offer({f.driver.readable("c")});
    EXPECT_FALSE(f.driver.kick_needed(2));       // 2 -> 3 does not cross 1
    EXPECT_TRUE(f.queue.enable_notifications()); // "c" is waiting
    ASSERT_TRUE(f.pop());
    EXPECT_FALSE(f.queue.enable_notifications());
    EXPECT_EQ(f.driver.avail_event(), 3);
    f.driver.offer({f.driver.readable("d")});
    EXPECT_TRUE(f.driver.kick_needed(3));
}

// ---- hostile rings ----

// Publishes a one-descriptor chain at index 0 and expects pop() to fail with `error`.
void expect_hostile(Fixture& f, const Desc& d, QueueError error) {
    f.driver.write_desc(0, d);
    f.driver.publish(0);
    EXPECT_FALSE(f.pop());
    EXPECT_TRUE(f.queue.broken());
    EXPECT_EQ(f.queue.error(), error) << to_string(f.queue.error());
    EXPECT_EQ(f.queue.in_flight(), 0);
    EXPECT_EQ(f.driver.used_idx(), 0);
}

TEST(VirtqueueHostile, BufferOutsideRam) {
    Fixture f;
    expect_hostile(f, {0x1000, 16, 0, 0}, QueueError::BufferOutsideRam);
}

TEST(VirtqueueHostile, BufferRunningPastTheEndOfRam) {
    Fixture f;
    expect_hostile(f, {f.driver.ram_end().raw() - 8, 16, kDescWrite, 0},
                   QueueError::BufferOutsideRam);
}

TEST(VirtqueueHostile, BufferOverlappingEachRingArea) {
    for (int area = 0; area < 3; ++area) {
        Fixture f;
        const QueueConfig& c = f.driver.config();
        const GuestPhysAddr at[] = {c.desc + 8, c.avail - 4, c.used + 40};
        expect_hostile(f, {at[area].raw(), 8, kDescWrite, 0}, QueueError::BufferOverlapsRing);
    }
}

TEST(VirtqueueHostile, ZeroLength) {
    Fixture f;
    expect_hostile(f, {f.driver.alloc(16).raw(), 0, 0, 0}, QueueError::ZeroLength);
}

TEST(VirtqueueHostile, AddressPlusLengthWraps) {
    Fixture f;
    expect_hostile(f, {0xfffffffffffffff0, 0x20, kDescWrite, 0}, QueueError::LengthOverflow);
}

TEST(VirtqueueHostile, ChainOf4GiBOrMore) {
    // 1100 descriptors of the same 4 MiB buffer (each one inside RAM) add up to more than
    // the used ring's 32-bit length can say.
    Fixture f({.indirect = true, .ram_bytes = std::size_t{16} << 20});
    const uint32_t big = 4u << 20;
    const GuestPhysAddr buf = f.driver.alloc(big);
    const uint16_t entries = 1100;
    const GuestPhysAddr table = f.driver.alloc(16u * entries);
    for (uint16_t i = 0; i < entries; ++i) {
        f.driver.write_desc_at(table + 16 * i,
                               {buf.raw(), big, i + 1 < entries ? kDescNext : uint16_t{0},
                                static_cast<uint16_t>(i + 1)});
    }
    f.driver.write_desc(0, {table.raw(), 16u * entries, kDescIndirect, 0});
    f.driver.publish(0);
    std::vector<Segment> storage(2048);
    EXPECT_FALSE(f.queue.pop(storage));
    EXPECT_EQ(f.queue.error(), QueueError::LengthOverflow);
}

TEST(VirtqueueHostile, DescriptorLoops) {
    {
        Fixture f({.size = 8});
        expect_hostile(f, {f.driver.alloc(4).raw(), 4, kDescNext, 0}, QueueError::ChainTooLong);
    }
    {
        Fixture f({.size = 4});
        const uint64_t buf = f.driver.alloc(4).raw();
        f.driver.write_desc(1, {buf, 4, kDescNext, 2});
        f.driver.write_desc(2, {buf, 4, kDescNext, 3});
        f.driver.write_desc(3, {buf, 4, kDescNext, 1});
        f.driver.publish(1);
        EXPECT_FALSE(f.pop());
        EXPECT_EQ(f.queue.error(), QueueError::ChainTooLong);
    }
}

TEST(VirtqueueHostile, ChainAsLongAsTheTableIsAllowed) {
    Fixture f({.size = 8});
    std::array<Segment, 8> storage{};
    const uint64_t buf = f.driver.alloc(4).raw();
    for (uint16_t i = 0; i < 7; ++i)
        f.driver.write_desc(i, {buf, 4, kDescNext, static_cast<uint16_t>(i + 1)});
    f.driver.write_desc(7, {buf, 4, 0, 0});
    f.driver.publish(0);
    const auto chain = f.queue.pop(storage);
    ASSERT_TRUE(chain);
    EXPECT_EQ(chain->segments.size(), 8u);
}

TEST(VirtqueueHostile, NextOutOfRange) {
    Fixture f({.size = 8});
    expect_hostile(f, {f.driver.alloc(4).raw(), 4, kDescNext, 8}, QueueError::NextOutOfRange);
}

TEST(VirtqueueHostile, HeadOutOfRange) {
    Fixture f({.size = 8});
    f.driver.publish(8);
    EXPECT_FALSE(f.pop());
    EXPECT_EQ(f.queue.error(), QueueError::HeadOutOfRange);
}

TEST(VirtqueueHostile, AvailIdxJumpingMoreThanTheQueueSize) {
    Fixture f({.size = 8});
    f.driver.set_avail_idx(9);
    EXPECT_FALSE(f.queue.has_available());
    EXPECT_FALSE(f.pop());
    EXPECT_EQ(f.queue.error(), QueueError::AvailIndexJump);
    // Going backwards is a jump of nearly 65536.
    Fixture g({.size = 8});
    g.driver.offer({g.driver.readable("a")});
    EXPECT_TRUE(g.pop());
    g.driver.set_avail_idx(0);
    EXPECT_FALSE(g.pop());
    EXPECT_EQ(g.queue.error(), QueueError::AvailIndexJump);
}

TEST(VirtqueueHostile, SameHeadOfferedMoreTimesThanTheQueueHolds) {
    Fixture f({.size = 4});
    f.driver.write_desc(0, f.driver.readable("a"));
    for (int i = 0; i < 4; ++i) {
        f.driver.publish(0);
        EXPECT_TRUE(f.pop());
    }
    f.driver.publish(0);
    EXPECT_FALSE(f.pop());
    EXPECT_EQ(f.queue.error(), QueueError::QueueOverrun);
}

TEST(VirtqueueHostile, ReadableAfterWritable) {
    Fixture f;
    f.driver.offer({f.driver.writable(4), f.driver.readable("late")});
    EXPECT_FALSE(f.pop());
    EXPECT_EQ(f.queue.error(), QueueError::ReadableAfterWritable);
}

TEST(VirtqueueHostile, IndirectWithoutTheFeature) {
    Fixture f;
    expect_hostile(f, {f.driver.alloc(16).raw(), 16, kDescIndirect, 0},
                   QueueError::IndirectNotNegotiated);
}

TEST(VirtqueueHostile, IndirectWithNext) {
    Fixture f({.indirect = true});
    expect_hostile(f, {f.driver.alloc(16).raw(), 16, kDescIndirect | kDescNext, 1},
                   QueueError::IndirectWithNext);
}

TEST(VirtqueueHostile, IndirectTableSizes) {
    for (uint32_t len : {0u, 8u, 17u, 16u * 32769u}) {
        Fixture f({.indirect = true});
        expect_hostile(f, {f.driver.alloc(32).raw(), len, kDescIndirect, 0},
                       QueueError::BadIndirectSize);
    }
}

TEST(VirtqueueHostile, IndirectTableOutsideRamOrOnTheRing) {
    {
        Fixture f({.indirect = true});
        expect_hostile(f, {f.driver.ram_end().raw() - 16, 32, kDescIndirect, 0},
                       QueueError::BufferOutsideRam);
    }
    {
        Fixture f({.indirect = true});
        // The descriptor table itself as the indirect table: a nested loop in disguise.
        expect_hostile(f, {f.driver.config().desc.raw(), 32, kDescIndirect, 0},
                       QueueError::BufferOverlapsRing);
    }
}

TEST(VirtqueueHostile, NestedIndirect) {
    Fixture f({.indirect = true});
    const GuestPhysAddr inner = f.driver.alloc(16);
    f.driver.write_desc_at(inner, f.driver.readable("x"));
    const auto head = f.driver.add_indirect({Desc{inner.raw(), 16, kDescIndirect, 0}});
    f.driver.publish(*head);
    EXPECT_FALSE(f.pop());
    EXPECT_EQ(f.queue.error(), QueueError::NestedIndirect);
}

TEST(VirtqueueHostile, LoopInsideAnIndirectTable) {
    Fixture f({.indirect = true});
    const GuestPhysAddr table = f.driver.alloc(32);
    const uint64_t buf = f.driver.alloc(4).raw();
    f.driver.write_desc_at(table, {buf, 4, kDescNext, 1});
    f.driver.write_desc_at(table + 16, {buf, 4, kDescNext, 0});
    expect_hostile(f, {table.raw(), 32, kDescIndirect, 0}, QueueError::ChainTooLong);
}

TEST(VirtqueueHostile, NextBeyondTheIndirectTable) {
    Fixture f({.indirect = true});
    const GuestPhysAddr table = f.driver.alloc(32);
    f.driver.write_desc_at(table, {f.driver.alloc(4).raw(), 4, kDescNext, 2});
    expect_hostile(f, {table.raw(), 32, kDescIndirect, 0}, QueueError::NextOutOfRange);
}

TEST(VirtqueueHostile, ErrorLatchesUntilConfiguredAgain) {
    Fixture f;
    expect_hostile(f, {0x1000, 16, 0, 0}, QueueError::BufferOutsideRam);
    f.driver.offer({f.driver.readable("fine")});
    EXPECT_FALSE(f.pop());
    EXPECT_FALSE(f.queue.push(0, 0));
    EXPECT_FALSE(f.queue.should_interrupt());
    EXPECT_FALSE(f.queue.enable_notifications());
    EXPECT_EQ(f.queue.error(), QueueError::BufferOutsideRam);
    f.queue.reset();
    EXPECT_FALSE(f.queue.ready());
    FakeDriver fresh;
    Virtqueue again(fresh.memory());
    EXPECT_EQ(again.configure(fresh.config()), QueueError::None);
    fresh.offer({fresh.readable("fine")});
    std::array<Segment, 1> storage{};
    EXPECT_TRUE(again.pop(storage));
}

TEST(VirtqueueHostile, DevicePushesItCannotMake) {
    {
        Fixture f;
        EXPECT_FALSE(f.queue.push(0, 0)); // nothing in flight
        EXPECT_EQ(f.queue.error(), QueueError::BadUsedElement);
    }
    {
        Fixture f({.size = 8});
        f.driver.offer({f.driver.writable(4)});
        ASSERT_TRUE(f.pop());
        EXPECT_FALSE(f.queue.push(8, 0)); // beyond the table
        EXPECT_EQ(f.queue.error(), QueueError::BadUsedElement);
    }
    {
        Fixture f;
        f.driver.offer({f.driver.writable(4)});
        const auto chain = f.pop();
        EXPECT_FALSE(f.queue.push(*chain, 5)); // more than the chain holds
        EXPECT_EQ(f.queue.error(), QueueError::BadUsedElement);
    }
    EXPECT_STREQ(to_string(QueueError::BadUsedElement), "device pushed a bad used element");
}

} // namespace
} // namespace virtio
