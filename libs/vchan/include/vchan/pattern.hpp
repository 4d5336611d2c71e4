// The test stream vm_vchan's two ends send each other (and the benchmark): byte i is a
// function of i and a seed, so a chunk the ring took only in part is made again from where
// it stopped, and each end's CRC-32 of what it sent can be compared with the other's of
// what it received.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vchan {

inline void pattern(std::byte* out, std::size_t n, uint64_t from, uint32_t seed) {
    for (std::size_t i = 0; i < n; ++i) {
        // The seed moves the whole sequence (the top byte too), so two seeds' streams differ.
        const uint64_t x =
            (from + i) * 0x9e3779b97f4a7c15ull + uint64_t{seed} * 0xd1b54a32d192ed03ull;
        out[i] = static_cast<std::byte>(x >> 56);
    }
}

} // namespace vchan
