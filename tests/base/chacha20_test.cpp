// ChaCha20's block function against RFC 8439's published vectors, and the entropy pool's
// promises: streams apart, draws never repeated, short seeds refused.
#include <base/chacha20.hpp>
#include <base/entropy_pool.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <set>
#include <vector>

namespace {

std::vector<uint8_t> bytes(std::span<const std::byte> s) {
    std::vector<uint8_t> v;
    for (std::byte b : s)
        v.push_back(static_cast<uint8_t>(b));
    return v;
}

std::vector<uint8_t> block(const base::ChaCha20::Key& key, uint32_t counter,
                           const base::ChaCha20::Nonce& nonce) {
    std::array<std::byte, 64> out{};
    base::ChaCha20::block(key, counter, nonce, out);
    return bytes(out);
}

TEST(ChaCha20, Rfc8439BlockFunctionVector) { // section 2.3.2: key 00..1f, counter 1
    base::ChaCha20::Key key{};
    for (uint32_t i = 0; i < 8; ++i)
        key[i] = (4 * i) | ((4 * i + 1) << 8) | ((4 * i + 2) << 16) | ((4 * i + 3) << 24);
    EXPECT_EQ(block(key, 1, {0x09000000, 0x4a000000, 0}),
              (std::vector<uint8_t>{
                  0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd, 0x1f, 0xa3,
                  0x20, 0x71, 0xc4, 0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0, 0x68, 0x03, 0x04, 0x22,
                  0xaa, 0x9a, 0xc3, 0xd4, 0x6c, 0x4e, 0xd2, 0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa,
                  0x09, 0x14, 0xc2, 0xd7, 0x05, 0xd9, 0x8b, 0x02, 0xa2, 0xb5, 0x12, 0x9c, 0xd1,
                  0xde, 0x16, 0x4e, 0xb9, 0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e}));
    // Appendix A.1, test vector 1: all zero. Its first 16 bytes suffice as a second check.
    const std::vector<uint8_t> zero = block({}, 0, {0, 0, 0});
    EXPECT_EQ(std::vector<uint8_t>(zero.begin(), zero.begin() + 16),
              (std::vector<uint8_t>{0x76, 0xb8, 0xe0, 0xad, 0xa0, 0xf1, 0x3d, 0x90, 0x40, 0x5d,
                                    0x6a, 0xe5, 0x53, 0x86, 0xbd, 0x28}));
}

std::vector<std::byte> seed_of(std::size_t n, uint8_t first) {
    std::vector<std::byte> s(n);
    for (std::size_t i = 0; i < n; ++i)
        s[i] = static_cast<std::byte>(first + i * 7);
    return s;
}

TEST(EntropyPool, RefusesASeedShorterThan32BytesAndGivesNothing) {
    base::EntropyPool<4> pool;
    std::array<std::byte, 32> out{};
    EXPECT_FALSE(pool.take(0, out)); // never seeded
    EXPECT_FALSE(pool.seed(seed_of(31, 1)));
    EXPECT_FALSE(pool.seeded());
    EXPECT_EQ(pool.seed_bytes(), 0u);
    EXPECT_FALSE(pool.take(0, out));
}

TEST(EntropyPool, StreamsDifferAndNoDrawRepeats) {
    base::EntropyPool<4> pool;
    ASSERT_TRUE(pool.seed(seed_of(32, 1)));
    EXPECT_EQ(pool.seed_bytes(), 32u);
    std::set<std::vector<uint8_t>> seen;
    for (std::size_t stream = 0; stream < 4; ++stream) {
        for (int draw = 0; draw < 3; ++draw) {
            std::array<std::byte, 32> out{};
            ASSERT_TRUE(pool.take(stream, out));
            EXPECT_TRUE(seen.insert(bytes(out)).second) << "stream " << stream << " draw " << draw;
        }
    }
    std::array<std::byte, 32> out{};
    EXPECT_FALSE(pool.take(4, out)); // no such stream
}

TEST(EntropyPool, TheSeedDecidesTheBytesAndALongerSeedCountsInFull) {
    base::EntropyPool<1> a, b, c;
    ASSERT_TRUE(a.seed(seed_of(64, 1)));
    ASSERT_TRUE(b.seed(seed_of(64, 1)));
    auto other = seed_of(64, 1);
    other[40] ^= std::byte{1}; // a byte past the first 32
    ASSERT_TRUE(c.seed(other));
    EXPECT_EQ(a.seed_bytes(), 64u);
    std::array<std::byte, 32> x{}, y{}, z{};
    ASSERT_TRUE(a.take(0, x));
    ASSERT_TRUE(b.take(0, y));
    ASSERT_TRUE(c.take(0, z));
    EXPECT_EQ(bytes(x), bytes(y));
    EXPECT_NE(bytes(x), bytes(z));
}

} // namespace
