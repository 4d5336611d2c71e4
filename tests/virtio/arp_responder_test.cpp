// The ARP responder (virtio-net with no backend): a request in, every field of the reply
// checked; other EtherTypes, short or foreign ARP and replies ignored and counted; replies
// through a NetDevice and the fake driver's rings, waiting for receive buffers, with
// back-pressure on transmit when too many wait.
#include "fake_driver.hpp"

#include <virtio/arp_responder.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace virtio {
namespace {

using test::Desc;
using test::FakeDriver;
using test::FakeRam;

std::vector<std::byte> bytes(std::initializer_list<unsigned> values) {
    std::vector<std::byte> out;
    for (const unsigned v : values)
        out.push_back(std::byte(v));
    return out;
}

// What Linux sends for `arping -I eth0 192.168.1.2` from 192.168.1.1 (busybox arping).
std::vector<std::byte> request(unsigned last_mac_byte = 0x01) {
    return bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff,          // to everyone
                  0x02, 0x00, 0x00, 0x00, 0x00, last_mac_byte, // from the guest
                  0x08, 0x06,                                  // ARP
                  0x00, 0x01, 0x08, 0x00, 6,    4,
                  0x00, 0x01, // Ethernet/IPv4, request
                  0x02, 0x00, 0x00, 0x00, 0x00, last_mac_byte,
                  192,  168,  1,    1, // sender
                  0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                  192,  168,  1,    2}); // target
}

TEST(ArpResponder, AnswersARequestAsUpstreamDoes) {
    ArpCounters c;
    const auto reply = arp_reply_to(request(), &c);
    ASSERT_TRUE(reply);
    const std::vector<std::byte> expected =
        bytes({0x02, 0x00, 0x00, 0x00, 0x00, 0x01,                   // to the requester
               0x02, 0x00, 0x00, 0x00, 0x00, 0x03,                   // from its MAC + 2
               0x08, 0x06,                                           // ARP
               0x00, 0x01,                                           // hardware: Ethernet
               0x08, 0x00,                                           // protocol: IPv4
               6,    4,                                              // address lengths
               0x00, 0x02,                                           // reply
               0x02, 0x00, 0x00, 0x00, 0x00, 0x03, 192, 168, 1, 2,   // sender: MAC + 2, asked IP
               0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 192, 168, 1, 1}); // target: the requester
    EXPECT_EQ(std::vector<std::byte>(reply->begin(), reply->end()), expected);
    EXPECT_EQ(c.answered, 1u);
}

TEST(ArpResponder, LastByteOfTheMacWrapsAndTrailingPaddingIsIgnored) {
    auto padded = request(0xff);
    padded.resize(60); // a minimum-size Ethernet frame
    const auto reply = arp_reply_to(padded);
    ASSERT_TRUE(reply);
    EXPECT_EQ((*reply)[11], std::byte{0x01});
    EXPECT_EQ((*reply)[27], std::byte{0x01});
    EXPECT_EQ((*reply)[37], std::byte{0xff}); // the target keeps the requester's MAC
}

TEST(ArpResponder, OtherFramesAreIgnoredAndCounted) {
    ArpCounters c;
    auto ipv6 = request();
    ipv6[12] = std::byte{0x86};
    ipv6[13] = std::byte{0xdd};
    EXPECT_FALSE(arp_reply_to(ipv6, &c));
    EXPECT_FALSE(arp_reply_to(bytes({1, 2, 3}), &c)); // shorter than an Ethernet header
    EXPECT_EQ(c.not_arp, 2u);

    auto short_arp = request();
    short_arp.resize(41);
    EXPECT_FALSE(arp_reply_to(short_arp, &c));
    for (const std::size_t at : {15u, 16u, 18u, 19u}) { // hardware, protocol, lengths
        auto foreign = request();
        foreign[at] = std::byte{0x99};
        EXPECT_FALSE(arp_reply_to(foreign, &c)) << at;
    }
    EXPECT_EQ(c.malformed, 5u);

    auto reply = request();
    reply[21] = std::byte{2};
    EXPECT_FALSE(arp_reply_to(reply, &c));
    auto rarp = request();
    rarp[21] = std::byte{3};
    EXPECT_FALSE(arp_reply_to(rarp, &c));
    EXPECT_EQ(c.not_request, 2u);
    EXPECT_EQ(c.answered, 0u);
}

struct ResponderFixture {
    ResponderFixture()
        : rx(ram, {.size = 16, .event_idx = false, .indirect = false}),
          tx(ram, {.size = 64, .event_idx = false, .indirect = false}),
          device(ram.memory(), arp, events, MacAddress{0x02, 0, 0, 0, 0, 0x01}) {
        EXPECT_TRUE(device.set_driver_features(kFeatureVersion1 | kNetFeatureMac));
        for (auto [q, d] : {std::pair{NetDevice::kRxQueue, &rx}, {NetDevice::kTxQueue, &tx}}) {
            const QueueConfig& c = d->config();
            EXPECT_EQ(device.start_queue(q, c.desc, c.avail, c.used, c.size), QueueError::None);
        }
        device.driver_ok();
    }
    void transmit(const std::vector<std::byte>& frame) {
        const NetHeader header;
        const auto h = std::as_bytes(std::span(&header, 1));
        tx.offer(
            {tx.readable(std::string(reinterpret_cast<const char*>(h.data()), h.size())),
             tx.readable(std::string(reinterpret_cast<const char*>(frame.data()), frame.size()))});
        device.queue_notify(NetDevice::kTxQueue);
    }

    class NoEvents final : public DeviceEvents {
    public:
        void used_buffers(unsigned) override {}
        void config_changed() override {}
        void needs_reset(unsigned, QueueError) override {}
    };
    FakeRam ram{std::size_t{1} << 20};
    FakeDriver rx;
    FakeDriver tx;
    NoEvents events;
    ArpResponder arp;
    NetDevice device;
};

TEST(ArpResponder, RepliesReachTheGuestOnceItHasReceiveBuffers) {
    ResponderFixture f;
    f.transmit(request());
    EXPECT_EQ(f.arp.pending(), 1u);
    EXPECT_EQ(f.device.counters().tx_frames, 1u);
    EXPECT_FALSE(f.arp.deliver(f.device)); // no receive buffer yet: kept
    EXPECT_EQ(f.arp.pending(), 1u);

    const Desc buffer = f.rx.writable(12 + 1518);
    f.rx.offer({buffer});
    (void)f.arp.deliver(f.device);
    EXPECT_EQ(f.arp.pending(), 0u);
    EXPECT_EQ(f.arp.counters().delivered, 1u);
    const auto used = f.rx.take_used();
    ASSERT_TRUE(used);
    EXPECT_EQ(used->len, 12u + kArpFrameBytes);
    const auto written = f.rx.read(GuestPhysAddr(buffer.addr + 12), kArpFrameBytes);
    EXPECT_EQ(written[11], std::byte{0x03}); // from the requester's MAC + 2
    EXPECT_EQ(written[21], std::byte{0x02}); // a reply

    // An IPv6 frame is dropped: the device counts the backend's refusal.
    auto ipv6 = request();
    ipv6[12] = std::byte{0x86};
    ipv6[13] = std::byte{0xdd};
    f.transmit(ipv6);
    EXPECT_EQ(f.arp.counters().not_arp, 1u);
    EXPECT_EQ(f.device.counters().tx_dropped_backend, 1u);
    EXPECT_EQ(f.arp.pending(), 0u);
}

TEST(ArpResponder, TransmitWaitsWhileEveryReplySlotIsTaken) {
    ResponderFixture f;
    for (std::size_t i = 0; i < ArpResponder::kPending + 2; ++i)
        f.transmit(request(static_cast<unsigned>(i)));
    EXPECT_EQ(f.arp.pending(), ArpResponder::kPending);
    EXPECT_EQ(f.tx.used_idx(), ArpResponder::kPending); // two requests wait in the ring
    for (std::size_t i = 0; i < ArpResponder::kPending; ++i)
        f.rx.offer({f.rx.writable(12 + 1518)});
    EXPECT_TRUE(f.arp.deliver(f.device)); // room made: the device may transmit again
    f.device.backend_ready();
    EXPECT_EQ(f.tx.used_idx(), ArpResponder::kPending + 2);
    EXPECT_EQ(f.arp.pending(), 2u);
    EXPECT_EQ(f.arp.counters().answered, ArpResponder::kPending + 2);
    EXPECT_EQ(f.arp.counters().overflow, 0u);
    EXPECT_EQ(f.device.counters().tx_dropped_backend, 0u);

    f.arp.reset(); // a guest reset drops replies for the old guest
    EXPECT_EQ(f.arp.pending(), 0u);
}

} // namespace
} // namespace virtio
