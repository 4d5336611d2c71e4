// libs/vchan on the host: both ends of one channel over one buffer (the dataport), streams
// across the rings' ends and the indexes' wrap, and peers that lie: impossible indexes,
// a wrong header or ring size. A lie stops the channel at the end that sees it; nothing is
// read or written outside the rings (the buffer's other bytes are checked unchanged).
#include <vchan/channel.hpp>
#include <vchan/layout.hpp>
#include <vchan/pattern.hpp>
#include <vchan/ring.hpp>

#include <base/crc32_table.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace {

using vchan::Channel;
using vchan::Fault;
using vchan::Side;
namespace control = vchan::control;

constexpr uint64_t kDataport = 69632; // 4 KiB control page + two 32 KiB rings
constexpr uint32_t kRing = 32768;

struct Pair {
    std::vector<uint8_t> memory = std::vector<uint8_t>(kDataport);
    Channel native{memory.data(), memory.size(), Side::Native};
    Channel guest{memory.data(), memory.size(), Side::Guest};

    uint32_t word(uint32_t offset) const {
        uint32_t v = 0;
        std::memcpy(&v, memory.data() + offset, 4);
        return v;
    }
    void set_word(uint32_t offset, uint32_t v) { std::memcpy(memory.data() + offset, &v, 4); }
    void connect() {
        native.connect();
        ASSERT_TRUE(guest.attach());
    }
};

std::vector<std::byte> bytes_of(std::size_t n, uint64_t from, uint32_t seed) {
    std::vector<std::byte> v(n);
    vchan::pattern(v.data(), n, from, seed);
    return v;
}

TEST(VchanLayout, RingsAreTheLargestPowersOfTwoAfterTheControlPage) {
    const auto l = vchan::Layout::for_dataport(kDataport);
    EXPECT_EQ(l.ring_size, kRing);
    EXPECT_EQ(l.to_guest, 4096u);
    EXPECT_EQ(l.to_native, 4096u + kRing);
    EXPECT_EQ(vchan::Layout::for_dataport(65536).ring_size, 16384u);
    EXPECT_FALSE(vchan::Layout::for_dataport(4096 + 511).valid());
    EXPECT_TRUE(vchan::Layout::for_dataport(4096 + 512).valid());
    EXPECT_FALSE(Channel(nullptr, kDataport, Side::Native).valid());
}

TEST(VchanChannel, ConnectWritesTheHeaderAndTheGuestJoins) {
    Pair p;
    EXPECT_FALSE(p.guest.peer_open());
    EXPECT_FALSE(p.guest.attach()); // nothing set up yet: no magic
    EXPECT_EQ(p.guest.fault(), Fault::Header);
    p.native.connect();
    EXPECT_EQ(p.word(control::kMagic), vchan::kMagic);
    EXPECT_EQ(p.word(control::kRingSize), kRing);
    EXPECT_EQ(p.native.generation(), 1u);
    EXPECT_TRUE(p.guest.peer_open());
    EXPECT_FALSE(p.native.peer_open());
    EXPECT_TRUE(p.guest.attach());
    EXPECT_TRUE(p.native.peer_open());
    p.guest.close();
    EXPECT_FALSE(p.native.peer_open());
    p.native.connect();
    EXPECT_EQ(p.native.generation(), 2u);
}

TEST(VchanChannel, SendsAStreamBothWaysAcrossTheRingsEnds) {
    Pair p;
    p.connect();
    constexpr uint64_t kTotal = 1 << 20;
    base::TableCrc32 sent[2], received[2];
    uint64_t done_sent[2] = {}, done_received[2] = {};
    Channel* ends[2] = {&p.native, &p.guest};
    std::vector<std::byte> buf(5000); // not a divisor of the ring: pieces straddle its end
    while (done_received[0] < kTotal || done_received[1] < kTotal) {
        for (int e = 0; e < 2; ++e) {
            const std::size_t want = std::min<uint64_t>(buf.size(), kTotal - done_sent[e]);
            const auto chunk = bytes_of(want, done_sent[e], static_cast<uint32_t>(e));
            const std::size_t n = ends[e]->send(chunk);
            sent[e].add({chunk.data(), n});
            done_sent[e] += n;
            const std::size_t m = ends[e]->receive(buf);
            received[e].add({buf.data(), m});
            done_received[e] += m;
        }
    }
    EXPECT_EQ(sent[0].value(), received[1].value());
    EXPECT_EQ(sent[1].value(), received[0].value());
    EXPECT_FALSE(p.native.stopped());
    EXPECT_FALSE(p.guest.stopped());
}

TEST(VchanChannel, AFullRingTakesWhatFitsAndBufferStateSaysSo) {
    Pair p;
    p.connect();
    const auto big = bytes_of(kRing + 100, 0, 7);
    EXPECT_EQ(p.native.buffer_space(), kRing);
    EXPECT_EQ(p.native.send(big), kRing);
    EXPECT_EQ(p.native.buffer_space(), 0u);
    EXPECT_EQ(p.native.send(big), 0u);
    EXPECT_EQ(p.guest.data_ready(), kRing);
    std::vector<std::byte> out(100);
    EXPECT_EQ(p.guest.receive(out), 100u);
    EXPECT_EQ(std::memcmp(out.data(), big.data(), 100), 0);
    EXPECT_EQ(p.native.buffer_space(), 100u);
    EXPECT_EQ(p.guest.data_ready(), kRing - 100);
}

// A ring whose indexes start just below 2^32: sizes and offsets stay right across the wrap.
TEST(VchanRing, IndexesWrapAt2To32) {
    std::vector<uint8_t> m(64 + 256);
    const uint32_t start = 0xffffff80u;
    std::memcpy(m.data(), &start, 4);
    std::memcpy(m.data() + 4, &start, 4);
    vchan::Ring producer(m.data(), 64, 256, 0, 4, vchan::Ring::Role::Producer);
    vchan::Ring consumer(m.data(), 64, 256, 0, 4, vchan::Ring::Role::Consumer);
    ASSERT_TRUE(producer.adopt());
    ASSERT_TRUE(consumer.adopt());
    base::TableCrc32 in, out;
    std::vector<std::byte> buf(100);
    for (uint64_t at = 0; at < 2000;) {
        const auto chunk = bytes_of(100, at, 3);
        const std::size_t n = producer.write(chunk);
        in.add({chunk.data(), n});
        at += n;
        out.add({buf.data(), consumer.read(buf)});
    }
    out.add({buf.data(), consumer.read(buf)});
    out.add({buf.data(), consumer.read(buf)});
    out.add({buf.data(), consumer.read(buf)});
    EXPECT_EQ(in.value(), out.value());
    EXPECT_LT(producer.own_index(), 2000u); // it wrapped
    EXPECT_FALSE(producer.stopped());
    EXPECT_FALSE(consumer.stopped());
}

TEST(VchanRing, ASizeThatIsNotAPowerOfTwoIsRefused) {
    std::vector<uint8_t> m(4096);
    vchan::Ring r(m.data(), 64, 1000, 0, 4, vchan::Ring::Role::Producer);
    EXPECT_TRUE(r.stopped());
    EXPECT_EQ(r.write(bytes_of(10, 0, 0)), 0u);
    EXPECT_FALSE(r.adopt());
}

// What a lie must leave alone: everything but the words the liar owns.
struct Snapshot {
    explicit Snapshot(const Pair& p) : bytes(p.memory) {}
    std::vector<uint8_t> bytes;
};

void expect_untouched_except(const Pair& p, const Snapshot& before,
                             std::initializer_list<uint32_t> words) {
    std::vector<uint8_t> now = p.memory;
    std::vector<uint8_t> then = before.bytes;
    for (uint32_t w : words) {
        std::memset(now.data() + w, 0, 4);
        std::memset(then.data() + w, 0, 4);
    }
    for (std::size_t i = 0; i < now.size(); ++i)
        EXPECT_EQ(now[i], then[i]) << "at byte " << i;
}

TEST(VchanLies, AGuestConsumerAheadOfTheProducerStopsTheNativeEnd) {
    Pair p;
    p.connect();
    ASSERT_EQ(p.native.send(bytes_of(1000, 0, 1)), 1000u);
    p.set_word(control::kToGuestConsumer, 1000 + 0x10000);
    const Snapshot before(p);
    EXPECT_EQ(p.native.send(bytes_of(1000, 0, 1)), 0u);
    EXPECT_TRUE(p.native.stopped());
    EXPECT_EQ(p.native.fault(), Fault::ConsumerIndex);
    EXPECT_EQ(p.native.bad_value(), 1000u + 0x10000);
    EXPECT_STREQ(p.native.stopped_ring(), "the ring to the guest");
    // Stopped: nothing moves either way, nothing is written.
    p.set_word(control::kToNativeProducer, 10);
    std::vector<std::byte> out(64);
    EXPECT_EQ(p.native.receive(out), 0u);
    EXPECT_EQ(p.native.buffer_space(), 0u);
    expect_untouched_except(p, before, {control::kToNativeProducer});
    // A new connection starts over.
    p.native.connect();
    EXPECT_FALSE(p.native.stopped());
    EXPECT_TRUE(p.guest.attach());
    EXPECT_EQ(p.native.send(bytes_of(8, 0, 1)), 8u);
}

TEST(VchanLies, AConsumerIndexThatGoesBackStopsTheProducer) {
    Pair p;
    p.connect();
    ASSERT_EQ(p.native.send(bytes_of(3000, 0, 1)), 3000u);
    std::vector<std::byte> out(2000);
    ASSERT_EQ(p.guest.receive(out), 2000u);
    ASSERT_EQ(p.native.buffer_space(), kRing - 1000);
    p.set_word(control::kToGuestConsumer, 1000); // it said 2000 before
    EXPECT_EQ(p.native.buffer_space(), 0u);
    EXPECT_EQ(p.native.fault(), Fault::ConsumerIndex);
}

TEST(VchanLies, AProducerMoreThanARingAheadStopsTheConsumer) {
    Pair p;
    p.connect();
    p.set_word(control::kToNativeProducer, kRing + 1);
    std::vector<std::byte> out(kRing * 2);
    const Snapshot before(p);
    EXPECT_EQ(p.native.receive(out), 0u);
    EXPECT_EQ(p.native.fault(), Fault::ProducerIndex);
    EXPECT_EQ(p.native.bad_value(), kRing + 1);
    EXPECT_STREQ(p.native.stopped_ring(), "the ring to the native end");
    expect_untouched_except(p, before, {});
    // Exactly a ring ahead is possible (a full ring).
    Pair q;
    q.connect();
    q.set_word(control::kToNativeProducer, kRing);
    EXPECT_EQ(q.native.receive(out), kRing);
    EXPECT_FALSE(q.native.stopped());
}

TEST(VchanLies, AProducerIndexThatGoesBackStopsTheConsumer) {
    Pair p;
    p.connect();
    ASSERT_EQ(p.guest.send(bytes_of(500, 0, 1)), 500u);
    EXPECT_EQ(p.native.data_ready(), 500u);
    p.set_word(control::kToNativeProducer, 100);
    EXPECT_EQ(p.native.data_ready(), 0u);
    EXPECT_EQ(p.native.fault(), Fault::ProducerIndex);
}

TEST(VchanLies, AnIndexWordOfThisEndOverwrittenByThePeerChangesNothingHere) {
    Pair p;
    p.connect();
    ASSERT_EQ(p.native.send(bytes_of(100, 0, 1)), 100u);
    p.set_word(control::kToGuestProducer, 0x7777); // the native end's own word
    EXPECT_EQ(p.native.send(bytes_of(100, 100, 1)), 100u);
    EXPECT_EQ(p.word(control::kToGuestProducer), 200u); // republished from its own count
    EXPECT_FALSE(p.native.stopped());
}

TEST(VchanLies, TheGuestRefusesAWrongHeaderOrRingSizeOrIndexes) {
    Pair p;
    p.native.connect();
    p.set_word(control::kVersion, 9);
    EXPECT_FALSE(p.guest.attach());
    EXPECT_EQ(p.guest.fault(), Fault::Header);

    Pair q;
    q.native.connect();
    q.set_word(control::kRingSize, 1u << 30); // would let the guest index past the dataport
    EXPECT_FALSE(q.guest.attach());
    EXPECT_EQ(q.guest.fault(), Fault::RingSize);
    EXPECT_EQ(q.guest.bad_value(), 1u << 30);

    Pair r;
    r.native.connect();
    r.set_word(control::kToGuestProducer, 5 * kRing);
    EXPECT_FALSE(r.guest.attach());
    EXPECT_EQ(r.guest.fault(), Fault::ProducerIndex);
    std::vector<std::byte> out(64);
    EXPECT_EQ(r.guest.receive(out), 0u);
}

TEST(VchanLies, TheGuestStopsWhenTheNativeEndLiesLater) {
    Pair p;
    p.connect();
    ASSERT_EQ(p.guest.send(bytes_of(64, 0, 1)), 64u);
    p.set_word(control::kToNativeConsumer, 65); // past the guest's producer
    EXPECT_EQ(p.guest.send(bytes_of(64, 64, 1)), 0u);
    EXPECT_EQ(p.guest.fault(), Fault::ConsumerIndex);
    EXPECT_STREQ(p.guest.stopped_ring(), "the ring to the native end");
}

TEST(VchanLies, DescribeNamesEveryFault) {
    for (Fault f :
         {Fault::None, Fault::ProducerIndex, Fault::ConsumerIndex, Fault::Header, Fault::RingSize})
        EXPECT_STRNE(vchan::describe(f), "unknown fault");
}

} // namespace
