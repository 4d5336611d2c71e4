// libFuzzer target: PingClient's frame handling (echo_responder) on whatever a guest puts
// in the ring. The first input byte picks the reply buffer's size and alignment and
// whether PingClient has a MAC of its own; the rest is the frame, placed at any start
// alignment. Checked beyond ASan/UBSan: a reply fits its buffer, an echo reply carries
// valid IP and ICMP checksums, and the checksum agrees with RFC 1071's word-by-word sum.
#include <ping_client/echo_responder.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

uint16_t checksum_by_words(const uint8_t* b, std::size_t n) {
    uint32_t sum = 0;
    for (std::size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t{b[i]} << 8) | b[i + 1];
    if (n % 2 != 0) sum += uint32_t{b[n - 1]} << 8;
    while ((sum >> 16) != 0)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const uint8_t control = data[0];
    const std::size_t shift = control & 7;
    std::vector<std::byte> frame(size - 1 + shift);
    if (size > 1) std::memcpy(frame.data() + shift, data + 1, size - 1);
    const std::span<const std::byte> in = std::span(frame).subspan(shift);
    if (ping_client::internet_checksum(in) !=
        checksum_by_words(reinterpret_cast<const uint8_t*>(in.data()), in.size()))
        std::abort();

    const std::size_t out_size = (control & 0x40) != 0 ? 1518 : in.size() / 2;
    std::vector<std::byte> out(out_size + 8);
    const std::span<std::byte> reply = std::span(out).subspan((control >> 3) & 7, out_size);
    ping_client::Counters counters;
    const std::optional<ping_client::Mac> mac =
        (control & 0x80) != 0 ? std::optional<ping_client::Mac>({2, 0, 0, 0, 0xaa, 2})
                              : std::nullopt;
    const ping_client::Response r =
        ping_client::respond(in, ping_client::kAddress, reply, counters, mac);
    if (r.length > reply.size()) std::abort();
    if (r.kind == ping_client::Kind::Echo) {
        const std::span<const std::byte> ip = reply.subspan(14, r.length - 14);
        const std::size_t ihl = std::size_t{static_cast<uint8_t>(ip[0]) & 0x0fu} * 4;
        if (ping_client::internet_checksum(ip.first(ihl)) != 0) std::abort();
        if (ping_client::internet_checksum(ip.subspan(ihl)) != 0) std::abort();
    }
    return 0;
}
