// Ethernet facts the network backends share (the ARP responder, PingClient): EtherTypes and
// big-endian fields of a frame, read and written at checked-by-the-caller offsets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace virtio::ethernet {

inline constexpr std::size_t kHeaderBytes = 14;
inline constexpr std::size_t kTypeOffset = 12;
inline constexpr uint16_t kTypeIpv4 = 0x0800;
inline constexpr uint16_t kTypeArp = 0x0806;

[[nodiscard]] inline uint16_t be16(std::span<const std::byte> f, std::size_t at) {
    return static_cast<uint16_t>((std::to_integer<unsigned>(f[at]) << 8) |
                                 std::to_integer<unsigned>(f[at + 1]));
}

inline void put_be16(std::span<std::byte> f, std::size_t at, uint16_t v) {
    f[at] = std::byte(v >> 8);
    f[at + 1] = std::byte(v & 0xff);
}

} // namespace virtio::ethernet
