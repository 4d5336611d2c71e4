// Entropy for the domains from one seed the boot loader gave (its /chosen/rng-seed): each
// domain draws from its own ChaCha20 stream (nonce = the domain's index), so no domain can
// learn another's bytes or the seed from its own. Per boot, not per build: an image holds
// no seed, since the same seed on every boot would be credited by Linux as entropy it is not.
#pragma once

#include "base/chacha20.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace base {

template <std::size_t Streams> class EntropyPool {
public:
    // Linux credits a seed's length as entropy and needs 32 bytes' worth for its CRNG: a
    // shorter seed is refused rather than stretched.
    static constexpr std::size_t kMinSeed = 32;
    static constexpr std::size_t kDraw = 32; // bytes per take()

    // Folds `seed` into the key (32-byte chunks XORed, little-endian words); false, and
    // unseeded, when it is shorter than kMinSeed.
    bool seed(std::span<const std::byte> seed) {
        key_ = {};
        seeded_ = seed.size() >= kMinSeed;
        if (!seeded_) return false;
        for (std::size_t i = 0; i < seed.size(); ++i)
            key_[(i % 32) / 4] ^= uint32_t{static_cast<uint8_t>(seed[i])} << (8 * (i % 4));
        seed_bytes_ = seed.size();
        counters_ = {};
        return true;
    }

    [[nodiscard]] bool seeded() const { return seeded_; }
    [[nodiscard]] std::size_t seed_bytes() const { return seeded_ ? seed_bytes_ : 0; }

    // The next kDraw bytes of `stream`'s key stream (one block each, never reused); false
    // when unseeded, `stream` is out of range, or the stream's 2^32 blocks are spent.
    bool take(std::size_t stream, std::span<std::byte, kDraw> out) {
        if (!seeded_ || stream >= Streams || counters_[stream] == UINT32_MAX) return false;
        std::array<std::byte, 64> block{};
        ChaCha20::block(key_, counters_[stream]++, {static_cast<uint32_t>(stream), 0, 0}, block);
        for (std::size_t i = 0; i < kDraw; ++i)
            out[i] = block[i];
        return true;
    }

private:
    ChaCha20::Key key_{};
    std::array<uint32_t, Streams> counters_{};
    std::size_t seed_bytes_ = 0;
    bool seeded_ = false;
};

} // namespace base
