// The shared character ring: wrap-around, full and empty, and a hostile peer's indices.
#include <serial/char_ring.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace {

using serial::CharRing;

struct Page {
    alignas(8) std::byte bytes[CharRing::kPageBytes] = {};
    std::span<std::byte> span() { return bytes; }
    void set(std::size_t offset, uint32_t v) { std::memcpy(bytes + offset, &v, 4); }
};

TEST(CharRing, MovesBytesAndWrapsAround) {
    Page page;
    CharRing producer(page.span());
    CharRing consumer(page.span());
    std::string sent;
    std::string got;
    for (int round = 0; round < 20; ++round) {
        std::string chunk(1000, static_cast<char>('a' + round));
        EXPECT_EQ(producer.write(chunk), chunk.size());
        sent += chunk;
        char buf[700];
        while (std::size_t n = consumer.read(buf))
            got.append(buf, n);
    }
    EXPECT_EQ(got, sent);
    EXPECT_FALSE(consumer.broken());
}

TEST(CharRing, FullLeavesOneByteFreeAndTakesNoMore) {
    Page page;
    CharRing ring(page.span());
    const std::string big(CharRing::kCapacity + 10, 'x');
    EXPECT_EQ(ring.write(big), CharRing::kCapacity - 1);
    EXPECT_EQ(ring.free_space(), 0U);
    EXPECT_EQ(ring.write("y"), 0U);
    EXPECT_EQ(ring.used(), CharRing::kCapacity - 1);
}

TEST(CharRing, AnIndexOutsideTheRingBreaksIt) {
    Page page;
    page.set(4, CharRing::kCapacity); // tail just past the end
    CharRing ring(page.span());
    char buf[16];
    EXPECT_EQ(ring.read(buf), 0U);
    EXPECT_TRUE(ring.broken());
    EXPECT_EQ(ring.write("abc"), 0U);
    ring.clear();
    EXPECT_FALSE(ring.broken());
    EXPECT_EQ(ring.write(std::string_view("abc")), 3U);
}

TEST(CharRing, ASmallPageIsNoRing) {
    std::vector<std::byte> small(100);
    CharRing ring(small);
    EXPECT_FALSE(ring.valid());
    EXPECT_EQ(ring.write("abc"), 0U);
}

} // namespace
