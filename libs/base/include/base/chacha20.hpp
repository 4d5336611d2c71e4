// The ChaCha20 block function (RFC 8439, section 2.3): 64 bytes of key stream from a 256-bit
// key, a 32-bit block counter and a 96-bit nonce. The kernel's entropy streams use it
// (entropy_pool.hpp); it is small, constant-time and needs no tables.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace base {

class ChaCha20 {
public:
    using Key = std::array<uint32_t, 8>;   // the key's 32 bytes, little-endian words
    using Nonce = std::array<uint32_t, 3>; // likewise its 12 bytes

    static constexpr void block(const Key& key, uint32_t counter, const Nonce& nonce,
                                std::span<std::byte, 64> out) {
        const std::array<uint32_t, 16> input = {
            0x61707865, 0x3320646e, 0x79622d32, 0x6b206574, // "expand 32-byte k"
            key[0],     key[1],     key[2],     key[3],     key[4],   key[5],
            key[6],     key[7],     counter,    nonce[0],   nonce[1], nonce[2]};
        std::array<uint32_t, 16> x = input;
        for (int round = 0; round < 10; ++round) { // 20 rounds: column, then diagonal
            quarter(x, 0, 4, 8, 12);
            quarter(x, 1, 5, 9, 13);
            quarter(x, 2, 6, 10, 14);
            quarter(x, 3, 7, 11, 15);
            quarter(x, 0, 5, 10, 15);
            quarter(x, 1, 6, 11, 12);
            quarter(x, 2, 7, 8, 13);
            quarter(x, 3, 4, 9, 14);
        }
        for (std::size_t i = 0; i < 16; ++i) {
            const uint32_t word = x[i] + input[i];
            for (std::size_t b = 0; b < 4; ++b)
                out[4 * i + b] = static_cast<std::byte>(word >> (8 * b));
        }
    }

private:
    static constexpr uint32_t rotl(uint32_t v, int n) { return (v << n) | (v >> (32 - n)); }
    static constexpr void quarter(std::array<uint32_t, 16>& x, int a, int b, int c, int d) {
        x[a] += x[b];
        x[d] = rotl(x[d] ^ x[a], 16);
        x[c] += x[d];
        x[b] = rotl(x[b] ^ x[c], 12);
        x[a] += x[b];
        x[d] = rotl(x[d] ^ x[a], 8);
        x[c] += x[d];
        x[b] = rotl(x[b] ^ x[c], 7);
    }
};

} // namespace base
