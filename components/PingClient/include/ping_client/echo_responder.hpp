// What PingClient answers, frame by frame, portable so the host tests it: an ARP request
// for its address gets upstream's reply (from the requester's MAC with the last byte + 2,
// claiming the address), an ICMP echo request to its address gets the echo reply with the
// same identifier, sequence and data (any size up to a frame), and everything else is
// counted and ignored. Every length is checked against the frame before it is used.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace ping_client {

using Ipv4 = std::array<uint8_t, 4>;
using Mac = std::array<uint8_t, 6>;
// The address upstream's vm_echo_ping guest pings (192.168.1.2).
inline constexpr Ipv4 kAddress{192, 168, 1, 2};

enum class Kind : uint8_t {
    Arp,       // reply is an ARP reply
    Echo,      // reply is an ICMP echo reply
    Ignored,   // not for this address, or not ARP / ICMP echo request
    Malformed, // claims lengths the frame does not have, bad IP header
};

struct Counters {
    uint64_t frames = 0;
    uint64_t arp = 0;
    uint64_t echo = 0;
    uint64_t ignored = 0;
    uint64_t malformed = 0;
    uint64_t dropped = 0; // replies the send ring could not take (counted by the caller)
};

// The fields of an echo request, for the summary line.
struct EchoInfo {
    Ipv4 source{};
    Ipv4 destination{};
    uint8_t protocol = 0;
    uint8_t type = 0;
    uint16_t id = 0;
    uint16_t sequence = 0;
    std::span<const std::byte> ip_packet; // the request's IP packet (inside the frame)
};

struct Response {
    Kind kind = Kind::Ignored;
    std::size_t length = 0; // of the reply in `out` (Arp, Echo)
    EchoInfo echo{};        // Echo
};

// Classifies `frame` and, for an ARP or echo request to `address`, writes the reply into
// `out` (it must hold the frame; a shorter `out` makes the request Ignored). Counts it.
// An ARP reply claims `address` for `mac` (its vswitch_mac_address), or without one for
// upstream's made-up neighbour (the requester's MAC with the last byte + 2).
Response respond(std::span<const std::byte> frame, const Ipv4& address, std::span<std::byte> out,
                 Counters& counters, const std::optional<Mac>& mac = std::nullopt);

// The Internet checksum (RFC 1071) of `bytes`.
[[nodiscard]] uint16_t internet_checksum(std::span<const std::byte> bytes);

} // namespace ping_client
