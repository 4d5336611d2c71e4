// PingClient's frame handling (components/PingClient/echo_responder.hpp): ARP requests for
// its address answered as upstream does, echo requests of any size answered with the same
// id, sequence and data and correct checksums, everything else ignored or refused as
// malformed, and every case counted.
#include <ping_client/echo_responder.hpp>
#include <virtio/ethernet.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

namespace ping_client {
namespace {

using Bytes = std::vector<std::byte>;

void put(Bytes& b, std::initializer_list<int> values) {
    for (int v : values)
        b.push_back(std::byte(static_cast<uint8_t>(v)));
}

constexpr std::array<int, 6> kGuestMac{0x02, 0, 0, 0, 0xaa, 0x01};

Bytes arp_request(Ipv4 target) {
    Bytes f;
    put(f, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
    for (int b : kGuestMac)
        put(f, {b});
    put(f, {0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1});
    for (int b : kGuestMac)
        put(f, {b});
    put(f, {192, 168, 1, 1, 0, 0, 0, 0, 0, 0});
    put(f, {target[0], target[1], target[2], target[3]});
    return f;
}

uint16_t be16(const Bytes& b, std::size_t i) {
    return static_cast<uint16_t>(static_cast<uint8_t>(b[i]) << 8 | static_cast<uint8_t>(b[i + 1]));
}

Bytes echo_request(std::size_t data_bytes, Ipv4 to = kAddress, uint16_t id = 0x1234,
                   uint16_t seq = 7) {
    Bytes f;
    put(f, {0x02, 0, 0, 0, 0xaa, 0x03});
    for (int b : kGuestMac)
        put(f, {b});
    put(f, {0x08, 0x00});
    const std::size_t total = 20 + 8 + data_bytes;
    put(f, {0x45,
            0,
            static_cast<int>(total >> 8),
            static_cast<int>(total & 0xff),
            0,
            1,
            0x40,
            0,
            64,
            1,
            0,
            0,
            192,
            168,
            1,
            1,
            to[0],
            to[1],
            to[2],
            to[3]});
    const uint16_t ipsum = internet_checksum(std::span(f).subspan(14, 20));
    f[24] = std::byte(ipsum >> 8);
    f[25] = std::byte(ipsum & 0xff);
    put(f, {8, 0, 0, 0, id >> 8, id & 0xff, seq >> 8, seq & 0xff});
    for (std::size_t i = 0; i < data_bytes; ++i)
        put(f, {static_cast<int>(i & 0xff)});
    const uint16_t sum = internet_checksum(std::span(f).subspan(34));
    f[36] = std::byte(sum >> 8);
    f[37] = std::byte(sum & 0xff);
    return f;
}

TEST(EchoResponder, AnswersArpForItsAddressAsUpstream) {
    Counters c;
    std::array<std::byte, 1518> out{};
    const Response r = respond(arp_request(kAddress), kAddress, out, c);
    ASSERT_EQ(r.kind, Kind::Arp);
    ASSERT_EQ(r.length, 42u);
    const Bytes reply(out.begin(), out.begin() + 42);
    EXPECT_EQ(be16(reply, 20), 2); // ARP reply
    // From the requester's MAC + 2 in the last byte, claiming 192.168.1.2.
    EXPECT_EQ(static_cast<uint8_t>(reply[6 + 5]), 0x03);
    EXPECT_EQ(static_cast<uint8_t>(reply[22 + 5]), 0x03);
    EXPECT_EQ(static_cast<uint8_t>(reply[31]), 2);
    EXPECT_EQ(static_cast<uint8_t>(reply[41]), 1); // to 192.168.1.1
    EXPECT_EQ(c.arp, 1u);
    // Another address is not ours.
    EXPECT_EQ(respond(arp_request({192, 168, 1, 9}), kAddress, out, c).kind, Kind::Ignored);
    EXPECT_EQ(c.ignored, 1u);
    EXPECT_EQ(c.frames, 2u);
}

// With vswitch_mac_address set, the reply claims the address for that MAC (the port the
// VM's virtual switch sends it to), in the Ethernet and the ARP header alike.
TEST(EchoResponder, ArpRepliesFromItsOwnMacWhenItHasOne) {
    Counters c;
    std::array<std::byte, 1518> out{};
    const Mac mine{0x02, 0, 0, 0, 0xaa, 0x02};
    const Response r = respond(arp_request(kAddress), kAddress, out, c, mine);
    ASSERT_EQ(r.kind, Kind::Arp);
    const Bytes reply(out.begin(), out.begin() + 42);
    for (std::size_t i = 0; i < 6; ++i) {
        EXPECT_EQ(static_cast<uint8_t>(reply[6 + i]), mine[i]) << i;
        EXPECT_EQ(static_cast<uint8_t>(reply[22 + i]), mine[i]) << i;
        EXPECT_EQ(static_cast<int>(static_cast<uint8_t>(reply[i])), kGuestMac[i]) << i;
    }
    EXPECT_EQ(static_cast<uint8_t>(reply[31]), 2); // still 192.168.1.2
}

// The attribute's text as assemblies write it (the VM's lowerer reads the same way).
TEST(EchoResponder, MacAddressesAsAssembliesWriteThem) {
    using virtio::ethernet::parse_mac;
    EXPECT_EQ(parse_mac("02:00:00:00:AA:02"), (Mac{0x02, 0, 0, 0, 0xaa, 0x02}));
    EXPECT_EQ(parse_mac("02:00:00:00:aa:0f"), (Mac{0x02, 0, 0, 0, 0xaa, 0x0f}));
    EXPECT_FALSE(parse_mac(""));
    EXPECT_FALSE(parse_mac("02:00:00:00:AA"));
    EXPECT_FALSE(parse_mac("02-00-00-00-AA-02"));
    EXPECT_FALSE(parse_mac("02:00:00:00:AA:0g"));
    EXPECT_FALSE(parse_mac("02:00:00:00:AA:021"));
}

TEST(EchoResponder, EchoesAnySizeWithChecksums) {
    for (std::size_t data : {56u, 0u, 1u, 1472u}) {
        Counters c;
        std::array<std::byte, 1518> out{};
        const Bytes req = echo_request(data);
        const Response r = respond(req, kAddress, out, c);
        ASSERT_EQ(r.kind, Kind::Echo) << data;
        ASSERT_EQ(r.length, req.size()) << data;
        const Bytes reply(out.begin(), out.begin() + static_cast<long>(r.length));
        EXPECT_TRUE(std::equal(reply.begin(), reply.begin() + 6, req.begin() + 6));
        EXPECT_TRUE(std::equal(reply.begin() + 6, reply.begin() + 12, req.begin()));
        EXPECT_EQ(static_cast<uint8_t>(reply[26]), 192);
        EXPECT_EQ(static_cast<uint8_t>(reply[29]), 2); // source: 192.168.1.2
        EXPECT_EQ(static_cast<uint8_t>(reply[33]), 1); // to 192.168.1.1
        EXPECT_EQ(static_cast<uint8_t>(reply[34]), 0); // echo reply
        EXPECT_EQ(internet_checksum(std::span(reply).subspan(14, 20)), 0) << data;
        EXPECT_EQ(internet_checksum(std::span(reply).subspan(34)), 0) << data;
        EXPECT_TRUE(std::equal(reply.begin() + 38, reply.end(), req.begin() + 38)) << data;
        EXPECT_EQ(r.echo.id, 0x1234);
        EXPECT_EQ(r.echo.sequence, 7);
        EXPECT_EQ(r.echo.type, 8);
        EXPECT_EQ(r.echo.protocol, 1);
        EXPECT_EQ(r.echo.ip_packet.size(), req.size() - 14);
        EXPECT_EQ(c.echo, 1u);
    }
}

TEST(EchoResponder, IgnoresWhatIsNotForIt) {
    Counters c;
    std::array<std::byte, 1518> out{};
    EXPECT_EQ(respond(echo_request(56, {192, 168, 1, 3}), kAddress, out, c).kind, Kind::Ignored);
    Bytes reply = echo_request(56);
    reply[34] = std::byte{0}; // an echo reply, not a request
    EXPECT_EQ(respond(reply, kAddress, out, c).kind, Kind::Ignored);
    Bytes ipv6 = echo_request(56);
    ipv6[12] = std::byte{0x86};
    ipv6[13] = std::byte{0xdd};
    EXPECT_EQ(respond(ipv6, kAddress, out, c).kind, Kind::Ignored);
    // A reply that would not fit the caller's buffer is not attempted.
    std::array<std::byte, 64> tiny{};
    EXPECT_EQ(respond(echo_request(1000), kAddress, tiny, c).kind, Kind::Ignored);
    EXPECT_EQ(c.ignored, 4u);
    EXPECT_EQ(c.echo, 0u);
}

TEST(EchoResponder, RefusesMalformedFrames) {
    Counters c;
    std::array<std::byte, 1518> out{};
    const Bytes good = echo_request(56);
    Bytes longer = good;
    longer[16] = std::byte{0x40}; // total length past the frame
    Bytes bad_ihl = good;
    bad_ihl[14] = std::byte{0x44};
    Bytes bad_sum = good;
    bad_sum[24] = std::byte(static_cast<uint8_t>(bad_sum[24]) ^ 1);
    const Bytes short_ip(good.begin(), good.begin() + 30);
    const Bytes runt(good.begin(), good.begin() + 10);
    const Bytes arp = arp_request(kAddress);
    const Bytes short_arp(arp.begin(), arp.begin() + 30);
    for (const Bytes* f : std::initializer_list<const Bytes*>{&longer, &bad_ihl, &bad_sum,
                                                              &short_ip, &runt, &short_arp})
        EXPECT_EQ(respond(*f, kAddress, out, c).kind, Kind::Malformed);
    EXPECT_EQ(c.malformed, 6u);
}

} // namespace
} // namespace ping_client

namespace {

using ping_client::internet_checksum;

// RFC 1071 as written: big-endian 16-bit words one at a time, an odd last byte padded.
uint16_t checksum_by_words(std::span<const std::byte> b) {
    uint32_t sum = 0;
    for (std::size_t i = 0; i + 1 < b.size(); i += 2)
        sum += (uint32_t{static_cast<uint8_t>(b[i])} << 8) | static_cast<uint8_t>(b[i + 1]);
    if (b.size() % 2 != 0) sum += uint32_t{static_cast<uint8_t>(b.back())} << 8;
    while ((sum >> 16) != 0)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
}

} // namespace

// The eight-bytes-at-a-time sum equals the word-by-word one for every length and start
// (unaligned spans, odd tails), on data that makes carries out of every lane (0xff runs).
TEST(EchoResponder, ChecksumMatchesWordByWordSum) {
    std::vector<std::byte> data(1600);
    uint32_t x = 12345;
    for (auto& b : data) {
        x = x * 1103515245 + 12345;
        b = static_cast<std::byte>(x >> 16);
    }
    for (const uint8_t fill : {0x00, 0xff}) {
        std::vector<std::byte> flat(1600, static_cast<std::byte>(fill));
        for (std::size_t len : {0u, 1u, 2u, 7u, 8u, 9u, 20u, 1480u, 1481u, 1600u})
            EXPECT_EQ(internet_checksum(std::span(flat).first(len)),
                      checksum_by_words(std::span(flat).first(len)))
                << int{fill} << " x " << len;
    }
    for (std::size_t start = 0; start < 9; ++start) {
        for (std::size_t len = 0; start + len <= 200; ++len) {
            const auto s = std::span<const std::byte>(data).subspan(start, len);
            ASSERT_EQ(internet_checksum(s), checksum_by_words(s)) << start << "+" << len;
        }
        const auto big = std::span<const std::byte>(data).subspan(start, 1481);
        EXPECT_EQ(internet_checksum(big), checksum_by_words(big)) << start;
    }
}
