// Ethernet facts the network backends share (the ARP responder, PingClient): EtherTypes,
// big-endian fields of a frame, read and written at checked-by-the-caller offsets, and MAC
// addresses as assemblies write them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

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

// "02:00:00:00:AA:01" (as upstream's vswitch attributes write a MAC) as six bytes; nullopt
// when it is not six two-digit hex bytes separated by ':'.
[[nodiscard]] constexpr std::optional<std::array<uint8_t, 6>> parse_mac(std::string_view text) {
    std::array<uint8_t, 6> mac{};
    if (text.size() != 17) return std::nullopt;
    for (std::size_t i = 0; i < 6; ++i) {
        if (i != 0 && text[i * 3 - 1] != ':') return std::nullopt;
        unsigned byte = 0;
        for (std::size_t k = 0; k < 2; ++k) {
            const char c = text[i * 3 + k];
            const int digit = c >= '0' && c <= '9'   ? c - '0'
                              : c >= 'a' && c <= 'f' ? c - 'a' + 10
                              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                     : -1;
            if (digit < 0) return std::nullopt;
            byte = byte * 16 + static_cast<unsigned>(digit);
        }
        mac[i] = static_cast<uint8_t>(byte);
    }
    return mac;
}

} // namespace virtio::ethernet
