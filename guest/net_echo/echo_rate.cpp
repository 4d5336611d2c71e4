// echo_rate <ipv4> <count> [payload bytes]: ICMP echo round trips, one at a time (the next
// request once the reply is in), through a raw socket; prints how many were answered and
// the time they took on CLOCK_MONOTONIC:
//   ECHO-RESULT <answered> <count> <nanoseconds>
// bench/net's echo benchmark runs it in Bulkhead's guest against PingClient and in a
// directly booted guest against QEMU's user networking. A reply not in within a second is
// counted as lost and the next request goes out.
#include "../crossvm/linux_syscall.hpp"
#include "../crossvm/program.hpp"

#include <cstdint>

namespace {

constexpr const char* kProgram = "echo_rate";
namespace nr {
constexpr long kSocket = 198, kSetsockopt = 208, kSendto = 206, kRecvfrom = 207,
               kClockGettime = 113;
}
constexpr long kAfInet = 2, kSockRaw = 3, kIpprotoIcmp = 1;
constexpr long kSolSocket = 1, kSoRcvtimeo = 20;
constexpr long kClockMonotonic = 1;
constexpr long kEagain = -11;
constexpr uint16_t kId = 0x4248;
constexpr std::size_t kMaxPayload = 1472;

struct SockaddrIn {
    uint16_t family = kAfInet;
    uint16_t port = 0;
    uint8_t addr[4] = {};
    uint8_t zero[8] = {};
};

uint64_t now_ns() {
    long ts[2] = {};
    (void)guest::syscall(nr::kClockGettime, kClockMonotonic, reinterpret_cast<long>(ts));
    return static_cast<uint64_t>(ts[0]) * 1000000000u + static_cast<uint64_t>(ts[1]);
}

// "a.b.c.d" into four bytes; false if it is not one.
bool parse_ipv4(const char* text, uint8_t (&out)[4]) {
    unsigned part = 0;
    unsigned value = 0;
    bool digits = false;
    for (const char* p = text;; ++p) {
        if (*p >= '0' && *p <= '9') {
            value = value * 10 + static_cast<unsigned>(*p - '0');
            digits = true;
            if (value > 255) return false;
        } else if ((*p == '.' || *p == 0) && digits && part < 4) {
            out[part++] = static_cast<uint8_t>(value);
            value = 0;
            digits = false;
            if (*p == 0) return part == 4;
        } else {
            return false;
        }
    }
}

uint16_t checksum(const uint8_t* data, std::size_t n) {
    uint32_t sum = 0;
    for (std::size_t i = 0; i + 1 < n; i += 2)
        sum += uint32_t{data[i]} << 8 | data[i + 1];
    if ((n & 1) != 0) sum += uint32_t{data[n - 1]} << 8;
    while ((sum >> 16) != 0)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
}

void put16(uint8_t* at, uint16_t v) {
    at[0] = static_cast<uint8_t>(v >> 8);
    at[1] = static_cast<uint8_t>(v);
}
uint16_t get16(const uint8_t* at) {
    return static_cast<uint16_t>(at[0] << 8 | at[1]);
}

// Waits for the echo reply with sequence `seq`; false when none came in time.
bool await_reply(int fd, uint16_t seq) {
    uint8_t packet[2048];
    for (;;) {
        const long n = guest::syscall(nr::kRecvfrom, fd, reinterpret_cast<long>(packet),
                                      sizeof packet, 0, 0, 0);
        if (n == kEagain || n < 0) return false;
        const std::size_t ip_header = static_cast<std::size_t>(packet[0] & 0xf) * 4;
        if (static_cast<std::size_t>(n) < ip_header + 8) continue;
        const uint8_t* icmp = packet + ip_header;
        if (icmp[0] == 0 && get16(icmp + 4) == kId && get16(icmp + 6) == seq) return true;
    }
}

} // namespace

int main(int argc, char** argv) {
    SockaddrIn to;
    if (argc < 3 || !parse_ipv4(argv[1], to.addr))
        guest::fail(kProgram, "usage: echo_rate <ipv4> <count> [payload bytes]");
    const std::size_t count = guest::number(argv[2]);
    std::size_t payload = argc > 3 ? guest::number(argv[3]) : 56;
    if (payload > kMaxPayload) payload = kMaxPayload;
    const auto fd = static_cast<int>(guest::syscall(nr::kSocket, kAfInet, kSockRaw, kIpprotoIcmp));
    if (fd < 0) guest::fail(kProgram, "no raw ICMP socket (not root?)");
    const long timeout[2] = {1, 0};
    if (guest::syscall(nr::kSetsockopt, fd, kSolSocket, kSoRcvtimeo,
                       reinterpret_cast<long>(timeout), sizeof timeout) != 0)
        guest::fail(kProgram, "setting the receive timeout");
    uint8_t request[8 + kMaxPayload] = {};
    for (std::size_t i = 0; i < payload; ++i)
        request[8 + i] = static_cast<uint8_t>(i);
    std::size_t answered = 0;
    const uint64_t start = now_ns();
    for (std::size_t i = 0; i < count; ++i) {
        const auto seq = static_cast<uint16_t>(i);
        request[0] = 8; // echo request
        put16(request + 2, 0);
        put16(request + 4, kId);
        put16(request + 6, seq);
        put16(request + 2, checksum(request, 8 + payload));
        if (guest::syscall(nr::kSendto, fd, reinterpret_cast<long>(request),
                           static_cast<long>(8 + payload), 0, reinterpret_cast<long>(&to),
                           sizeof to) < 0)
            guest::fail(kProgram, "sendto failed");
        if (await_reply(fd, seq)) ++answered;
    }
    const uint64_t elapsed = now_ns() - start;
    guest::print(1, "ECHO-RESULT ");
    guest::print_number(answered);
    guest::print(1, " ");
    guest::print_number(count);
    guest::print(1, " ");
    guest::print_number(elapsed);
    guest::print(1, "\n");
    return answered == count ? 0 : 1;
}
