// PingClient's answers (see echo_responder.hpp).
#include <ping_client/echo_responder.hpp>

#include <virtio/arp_responder.hpp>
#include <virtio/ethernet.hpp>

#include <algorithm>
#include <bit>
#include <cstring>

namespace ping_client {
namespace {

using virtio::ethernet::be16;
using virtio::ethernet::put_be16;
constexpr std::size_t kEthHeader = virtio::ethernet::kHeaderBytes;
constexpr std::size_t kIpHeaderMin = 20;
constexpr std::size_t kIcmpHeader = 8;
constexpr uint8_t kProtocolIcmp = 1;
constexpr uint8_t kEchoRequest = 8;
constexpr uint8_t kEchoReply = 0;
constexpr std::size_t kEthSource = 6;
constexpr std::size_t kArpSenderMac = kEthHeader + 8;
constexpr std::size_t kArpTargetIp = kEthHeader + 24;

uint8_t byte_at(std::span<const std::byte> b, std::size_t i) {
    return static_cast<uint8_t>(b[i]);
}
Ipv4 ip_at(std::span<const std::byte> b, std::size_t i) {
    return {byte_at(b, i), byte_at(b, i + 1), byte_at(b, i + 2), byte_at(b, i + 3)};
}

Response arp(std::span<const std::byte> frame, const Ipv4& address, std::span<std::byte> out,
             Counters& counters, const std::optional<Mac>& mac) {
    Response r;
    if (frame.size() < virtio::kArpFrameBytes) {
        ++counters.malformed;
        r.kind = Kind::Malformed;
        return r;
    }
    const auto reply = virtio::arp_reply_to(frame);
    if (ip_at(frame, kArpTargetIp) != address || !reply || out.size() < reply->size()) {
        ++counters.ignored;
        return r;
    }
    std::copy(reply->begin(), reply->end(), out.begin());
    if (mac) {
        for (std::size_t i = 0; i < mac->size(); ++i) {
            out[kEthSource + i] = out[kArpSenderMac + i] = std::byte((*mac)[i]);
        }
    }
    ++counters.arp;
    r.kind = Kind::Arp;
    r.length = reply->size();
    return r;
}

Response echo(std::span<const std::byte> frame, const Ipv4& address, std::span<std::byte> out,
              Counters& counters) {
    Response r;
    const std::span<const std::byte> ip = frame.subspan(kEthHeader);
    const std::size_t ihl = std::size_t{byte_at(ip, 0) & 0x0fu} * 4;
    const std::size_t total = be16(ip, 2);
    if (byte_at(ip, 0) >> 4 != 4 || ihl < kIpHeaderMin || total < ihl + kIcmpHeader ||
        total > ip.size() || internet_checksum(ip.first(ihl)) != 0) {
        ++counters.malformed;
        r.kind = Kind::Malformed;
        return r;
    }
    const std::span<const std::byte> icmp = ip.subspan(ihl, total - ihl);
    const bool fragment = (be16(ip, 6) & 0x3fff) != 0; // MF or an offset
    if (ip_at(ip, 16) != address || byte_at(ip, 9) != kProtocolIcmp || fragment ||
        byte_at(icmp, 0) != kEchoRequest || out.size() < kEthHeader + total) {
        ++counters.ignored;
        return r;
    }
    // The reply: the request with Ethernet and IP addresses swapped, type echo reply.
    std::memcpy(out.data(), frame.data(), kEthHeader + total);
    std::memcpy(out.data(), frame.data() + 6, 6);
    std::memcpy(out.data() + 6, frame.data(), 6);
    const std::span<std::byte> rip = out.subspan(kEthHeader, total);
    std::memcpy(rip.data() + 12, ip.data() + 16, 4);
    std::memcpy(rip.data() + 16, ip.data() + 12, 4);
    put_be16(rip, 10, 0);
    put_be16(rip, 10, internet_checksum(rip.first(ihl)));
    const std::span<std::byte> ricmp = rip.subspan(ihl);
    ricmp[0] = static_cast<std::byte>(kEchoReply);
    ricmp[1] = std::byte{0};
    put_be16(ricmp, 2, 0);
    put_be16(ricmp, 2, internet_checksum(ricmp));
    ++counters.echo;
    r.kind = Kind::Echo;
    r.length = kEthHeader + total;
    r.echo = {ip_at(ip, 12), ip_at(ip, 16), byte_at(ip, 9), byte_at(icmp, 0),
              be16(icmp, 4), be16(icmp, 6), ip.first(total)};
    return r;
}

} // namespace

// Eight bytes at a time: a ones'-complement sum of 64-bit words (carries wrapped round)
// is the sum of their four 16-bit lanes, and summing little-endian lanes gives the
// byte-swapped sum of the big-endian words (RFC 1071, "byte order independence"). The
// words are the aligned ones the bytes lie in (the target is built -mstrict-align), each
// byte in the lane its address gives; when the data starts at an odd address, that grid
// is one byte off the data's own, which swaps the sum once more. A 1480-byte echo payload
// took ~4,400 instructions two bytes at a time.
uint16_t internet_checksum(std::span<const std::byte> bytes) {
    static_assert(std::endian::native == std::endian::little);
    const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
    std::size_t n = bytes.size();
    const bool odd_start = (reinterpret_cast<uintptr_t>(p) & 1) != 0;
    uint64_t sum = 0;
    auto add = [&sum](uint64_t word) {
        sum += word;
        sum += sum < word ? 1 : 0; // the carry out of bit 63 goes round
    };
    // Bytes at their lanes of a partial word: the head up to an aligned address, the tail.
    auto partial = [&p, &n](std::size_t count) {
        uint64_t word = 0;
        for (; count > 0; --count, --n, ++p)
            word |= uint64_t{*p} << (8 * (reinterpret_cast<uintptr_t>(p) & 7));
        return word;
    };
    const std::size_t to_aligned = (8 - (reinterpret_cast<uintptr_t>(p) & 7)) & 7;
    add(partial(to_aligned < n ? to_aligned : n));
    for (; n >= 8; n -= 8, p += 8) {
        uint64_t word = 0;
        __builtin_memcpy(&word, __builtin_assume_aligned(p, 8), 8); // one aligned load
        add(word);
    }
    add(partial(n));
    uint64_t folded = (sum & 0xffffffff) + (sum >> 32);
    folded = (folded & 0xffff) + (folded >> 16);
    folded = (folded & 0xffff) + (folded >> 16);
    folded = (folded & 0xffff) + (folded >> 16);
    const auto lanes = static_cast<uint16_t>(folded);
    const auto big_endian = odd_start ? lanes : static_cast<uint16_t>((lanes >> 8) | (lanes << 8));
    return static_cast<uint16_t>(~big_endian);
}

Response respond(std::span<const std::byte> frame, const Ipv4& address, std::span<std::byte> out,
                 Counters& counters, const std::optional<Mac>& mac) {
    ++counters.frames;
    if (frame.size() < kEthHeader) {
        ++counters.malformed;
        return {Kind::Malformed, 0, {}};
    }
    switch (be16(frame, virtio::ethernet::kTypeOffset)) {
    case virtio::ethernet::kTypeArp:
        return arp(frame, address, out, counters, mac);
    case virtio::ethernet::kTypeIpv4:
        if (frame.size() >= kEthHeader + kIpHeaderMin) return echo(frame, address, out, counters);
        ++counters.malformed;
        return {Kind::Malformed, 0, {}};
    default:
        ++counters.ignored;
        return {};
    }
}

} // namespace ping_client
