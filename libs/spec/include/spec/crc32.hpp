// CRC-32 (IEEE 802.3, reflected, as zlib computes it) and the spec checksum built
// on it. Bitwise, no table: the kernel runs it once at boot over a few KiB.
#pragma once

#include "spec/system_spec.hpp"

#include <cstddef>
#include <cstdint>

namespace spec {

class Crc32 {
public:
    constexpr void add(const uint8_t* data, size_t size) {
        for (size_t i = 0; i < size; ++i) {
            state_ ^= data[i];
            for (int bit = 0; bit < 8; ++bit)
                state_ = (state_ >> 1) ^ (0xEDB88320u & (0u - (state_ & 1u)));
        }
    }
    [[nodiscard]] constexpr uint32_t value() const { return ~state_; }

private:
    uint32_t state_ = 0xffffffffu;
};

// The spec's checksum: CRC-32 of all `total` bytes with Header::checksum read as 0.
inline uint32_t spec_checksum(const uint8_t* data, size_t total) {
    constexpr size_t field = offsetof(Header, checksum);
    const uint8_t zero[sizeof(uint32_t)] = {};
    Crc32 crc;
    crc.add(data, field);
    crc.add(zero, sizeof zero);
    crc.add(data + field + sizeof zero, total - field - sizeof zero);
    return crc.value();
}

} // namespace spec
