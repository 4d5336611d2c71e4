// The virtual switch in a VM's virtio-net device (net_switch.hpp): frames by destination
// MAC to the one port that has it, broadcast and multicast to every port, a MAC no port
// has dropped, a full port dropping its frame without holding up the others, and frames
// from every port given to the guest.
#include "fake_driver.hpp"

#include <virtio/net.hpp>
#include <virtio/net_switch.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace virtio {
namespace {

using test::Desc;
using test::FakeDriver;
using test::FakeRam;

class NullPort final : public vmm::BackendPort {
public:
    void call(uint32_t, base::RpcMessage&) override { ADD_FAILURE() << "no calls on a ring"; }
    void signal(uint32_t slot) override { ++signals[slot]; }
    std::array<unsigned, 8> signals{};
};

class NoEvents final : public DeviceEvents {
public:
    void used_buffers(unsigned) override {}
    void config_changed() override {}
    void needs_reset(unsigned, QueueError) override {}
};

constexpr MacAddress kPeerMac[] = {{2, 0, 0, 0, 0xaa, 2}, {2, 0, 0, 0, 0xaa, 3}};

std::vector<std::byte> frame_to(const MacAddress& dest, std::size_t len, uint8_t seed) {
    std::vector<std::byte> f(len);
    for (std::size_t i = 0; i < len; ++i)
        f[i] = i < 6 ? std::byte(dest[i]) : std::byte(static_cast<uint8_t>(seed * 31 + i));
    return f;
}

// One peer VM's side of a port: device of the port's send ring, driver of its recv ring.
struct Peer {
    explicit Peer(std::size_t ring_bytes) : send_ring(ring_bytes), recv_ring(ring_bytes) {
        EXPECT_TRUE(send_buffer.attach(send_ring));
        EXPECT_TRUE(recv_buffer.attach(recv_ring));
        const SharedRingLayout layout = *SharedRingLayout::for_buffer(ring_bytes);
        EXPECT_EQ(from_vm.configure(layout.queue_config()), QueueError::None);
        EXPECT_TRUE(to_vm.configure(recv_buffer.memory(), layout));
    }
    // The frames the peer took (and, when `give_back`, returned).
    std::vector<std::vector<std::byte>> takes(bool give_back = true) {
        std::vector<std::vector<std::byte>> out;
        while (auto chain = from_vm.pop(segments)) {
            out.emplace_back(chain->readable_bytes);
            read_from_chain(send_buffer.memory(), *chain, 0, out.back());
            if (give_back) EXPECT_TRUE(from_vm.push(*chain, 0));
        }
        return out;
    }
    std::vector<std::byte> send_ring;
    std::vector<std::byte> recv_ring;
    SharedBuffer send_buffer;
    SharedBuffer recv_buffer;
    Virtqueue from_vm{send_buffer.memory()};
    VirtqueueDriver to_vm;
    std::array<Segment, 16> segments{};
};

struct Fixture {
    explicit Fixture(std::size_t ring_bytes = 32768)
        : peers{std::make_unique<Peer>(ring_bytes), std::make_unique<Peer>(ring_bytes)},
          rx(ram, {.size = 16}), device(ram.memory(), vswitch, events, {2, 0, 0, 0, 0xaa, 1}) {
        for (uint32_t i = 0; i < 2; ++i) {
            EXPECT_TRUE(vswitch.add_port(kPeerMac[i],
                                         {"send", 2 * i + 1, peers[i]->send_ring, 0, &port},
                                         {"recv", 2 * i + 2, peers[i]->recv_ring, 0, &port}));
        }
        EXPECT_TRUE(device.set_driver_features(kFeatureVersion1));
        EXPECT_EQ(test::start_queue(device, NetDevice::kRxQueue, rx), QueueError::None);
        device.driver_ok();
    }
    std::array<std::unique_ptr<Peer>, 2> peers;
    FakeRam ram;
    FakeDriver rx;
    NoEvents events;
    NullPort port;
    NetSwitch vswitch;
    NetDevice device;
};

TEST(NetSwitch, UnicastGoesToThePortWithTheDestination) {
    auto f = std::make_unique<Fixture>();
    const auto to_vm2 = frame_to(kPeerMac[1], 1514, 1);
    EXPECT_TRUE(f->vswitch.send(to_vm2));
    EXPECT_TRUE(f->peers[0]->takes().empty());
    const auto got = f->peers[1]->takes();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0], to_vm2);
    EXPECT_EQ(f->port.signals[3], 1u); // port 1's send capability
    EXPECT_EQ(f->vswitch.counters().unicast, 1u);
}

TEST(NetSwitch, BroadcastAndMulticastGoToEveryPort) {
    auto f = std::make_unique<Fixture>();
    const auto arp = frame_to({0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 60, 2);
    const auto ipv6_nd = frame_to({0x33, 0x33, 0, 0, 0, 1}, 90, 3);
    EXPECT_TRUE(f->vswitch.send(arp));
    EXPECT_TRUE(f->vswitch.send(ipv6_nd));
    for (auto& p : f->peers) {
        const auto got = p->takes();
        ASSERT_EQ(got.size(), 2u);
        EXPECT_EQ(got[0], arp);
        EXPECT_EQ(got[1], ipv6_nd);
    }
    EXPECT_EQ(f->vswitch.counters().flooded, 2u);
}

TEST(NetSwitch, AMacNoPortHasIsDropped) {
    auto f = std::make_unique<Fixture>();
    EXPECT_FALSE(f->vswitch.send(frame_to({2, 0, 0, 0, 0xaa, 9}, 60, 4)));
    EXPECT_FALSE(f->vswitch.send(frame_to({}, 4, 4))); // shorter than a MAC
    EXPECT_TRUE(f->peers[0]->takes().empty());
    EXPECT_TRUE(f->peers[1]->takes().empty());
    EXPECT_EQ(f->vswitch.counters().unknown, 2u);
}

TEST(NetSwitch, AFullPortDropsWithoutHoldingUpTheOther) {
    auto f = std::make_unique<Fixture>(8192); // room for 4 full frames per ring
    unsigned taken = 0;
    for (uint8_t i = 0; i < 10; ++i)
        taken += f->vswitch.send(frame_to(kPeerMac[0], 1514, i)) ? 1 : 0;
    EXPECT_TRUE(f->vswitch.can_send());
    EXPECT_LT(taken, 10u);
    EXPECT_EQ(f->vswitch.counters().port_full, 10u - taken);
    // vm1's peer stalls; frames to vm2 still go through.
    const auto to_vm2 = frame_to(kPeerMac[1], 1514, 42);
    EXPECT_TRUE(f->vswitch.send(to_vm2));
    EXPECT_EQ(f->peers[1]->takes().at(0), to_vm2);
    // Once the stalled peer returns its buffers, its port takes frames again.
    EXPECT_EQ(f->peers[0]->takes().size(), taken);
    f->vswitch.pump(f->device);
    EXPECT_TRUE(f->vswitch.send(frame_to(kPeerMac[0], 1514, 43)));
}

TEST(NetSwitch, FramesFromEveryPortReachTheGuest) {
    auto f = std::make_unique<Fixture>();
    const Desc b0 = f->rx.writable(12 + 1518);
    const Desc b1 = f->rx.writable(12 + 1518);
    f->rx.offer({b0});
    f->rx.offer({b1});
    const auto from_vm1 = frame_to({2, 0, 0, 0, 0xaa, 1}, 100, 5);
    const auto from_vm2 = frame_to({2, 0, 0, 0, 0xaa, 1}, 200, 6);
    ASSERT_EQ(f->peers[0]->to_vm.send(from_vm1), SendResult::Sent);
    ASSERT_EQ(f->peers[1]->to_vm.send(from_vm2), SendResult::Sent);
    f->vswitch.pump(f->device);
    std::vector<std::vector<std::byte>> got;
    while (const auto used = f->rx.take_used()) {
        const Desc& b = got.empty() ? b0 : b1;
        const auto bytes = f->rx.read(GuestPhysAddr(b.addr), used->len);
        got.emplace_back(bytes.begin() + sizeof(NetHeader), bytes.end());
    }
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0], from_vm1);
    EXPECT_EQ(got[1], from_vm2);
}

} // namespace
} // namespace virtio
