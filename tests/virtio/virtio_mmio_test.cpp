// The virtio-mmio transport with the virtio-net model behind it, driven the way Linux's
// virtio_mmio driver probes and runs it (registers, features, queues, notify, interrupts),
// then a driver that breaks the rules; and the "virtio_net" VMM device: created by the
// device host, on the MMIO bus, with an SPI and a `virtio,mmio` DTB node.
#include "../vmm/fake_list_registers.hpp"
#include "../vmm/fake_log.hpp"
#include "../vmm/fake_vcpu.hpp"
#include "fake_driver.hpp"
#include "sink_backend.hpp"
#include "vmm_device_fixture.hpp"

#include <virtio/mmio.hpp>
#include <virtio/net.hpp>
#include <vmm/device.hpp>
#include <vmm/mmio_bus.hpp>
#include <vmm/vgic_distributor.hpp>

#include <libfdt.h>

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace virtio {
namespace {

using namespace mmio;
using test::FakeDriver;
using test::FakeRam;
using test::SinkBackend;

class FakeLine final : public IrqLine {
public:
    void set_level(bool h) override { high = h; }
    bool high = false;
};

struct MmioFixture {
    MmioFixture() { transport.attach(net); }

    uint32_t rd(uint32_t offset, unsigned size = 4) {
        uint64_t v = 0;
        EXPECT_TRUE(transport.read(offset, size, 0, v)) << std::hex << offset;
        return static_cast<uint32_t>(v);
    }
    void wr(uint32_t offset, uint32_t value) {
        EXPECT_TRUE(transport.write(offset, 4, 0, value)) << std::hex << offset;
    }
    void setup_queue(unsigned index, const QueueConfig& c) {
        wr(kQueueSel, index);
        EXPECT_EQ(rd(kQueueReady), 0u);
        EXPECT_EQ(rd(kQueueNumMax), NetDevice::kQueueSize);
        wr(kQueueNum, c.size);
        wr(kQueueDescLow, static_cast<uint32_t>(c.desc.raw()));
        wr(kQueueDescHigh, static_cast<uint32_t>(c.desc.raw() >> 32));
        wr(kQueueDriverLow, static_cast<uint32_t>(c.avail.raw()));
        wr(kQueueDriverHigh, static_cast<uint32_t>(c.avail.raw() >> 32));
        wr(kQueueDeviceLow, static_cast<uint32_t>(c.used.raw()));
        wr(kQueueDeviceHigh, static_cast<uint32_t>(c.used.raw() >> 32));
        wr(kQueueReady, 1);
    }
    // Linux's virtio_mmio probe and virtio-net's setup, in order.
    void probe(uint64_t features = NetDevice::kFeatures) {
        EXPECT_EQ(rd(kMagicValue), 0x74726976u);
        EXPECT_EQ(rd(kVersion), 2u);
        EXPECT_EQ(rd(kDeviceId), 1u);
        wr(kStatus, 0);
        wr(kStatus, kStatusAcknowledge);
        wr(kStatus, kStatusAcknowledge | kStatusDriver);
        wr(kDeviceFeaturesSel, 1);
        const uint64_t offered = uint64_t{rd(kDeviceFeatures)} << 32;
        wr(kDeviceFeaturesSel, 0);
        EXPECT_EQ(offered | rd(kDeviceFeatures), NetDevice::kFeatures);
        wr(kDriverFeaturesSel, 1);
        wr(kDriverFeatures, static_cast<uint32_t>(features >> 32));
        wr(kDriverFeaturesSel, 0);
        wr(kDriverFeatures, static_cast<uint32_t>(features));
        wr(kStatus, kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk);
    }
    void start() {
        probe();
        ASSERT_NE(rd(kStatus) & kStatusFeaturesOk, 0u);
        setup_queue(0, rx.config());
        setup_queue(1, tx.config());
        wr(kStatus, kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk | kStatusDriverOk);
    }
    std::vector<test::Desc> frame_chain(std::string_view payload) {
        const std::string header(12, '\0');
        return {tx.readable(header), tx.readable(payload)};
    }

    FakeRam ram;
    FakeDriver rx{ram, {.size = 64, .event_idx = true, .indirect = true}};
    FakeDriver tx{ram, {.size = 64, .event_idx = true, .indirect = true}};
    FakeLine line;
    vmm::test::RecordingLog log;
    SinkBackend backend;
    VirtioMmio transport{"virtio_net", line, log};
    NetDevice net{ram.memory(), backend, transport, MacAddress{2, 0, 0, 0, 0, 7}};
};

TEST(VirtioMmio, LinuxProbeAndFrameExchange) {
    MmioFixture f;
    EXPECT_EQ(f.rd(kVendorId), kVendor);
    f.start();
    EXPECT_EQ(f.rd(kStatus), 15u);
    EXPECT_EQ(f.net.driver_features(), NetDevice::kFeatures);
    EXPECT_EQ(f.rd(kQueueReady), 1u); // queue 1 selected
    EXPECT_EQ(f.rd(kConfigGeneration), 0u);
    // The MAC, byte by byte as virtio_cread_bytes does, and the status as a u16.
    for (unsigned i = 0; i < 6; ++i)
        EXPECT_EQ(f.rd(kConfig + i, 1), i == 0 ? 2u : i == 5 ? 7u : 0u);
    EXPECT_EQ(f.rd(kConfig + 6, 2), kNetStatusLinkUp);

    // Transmit: kick queue 1, the frame reaches the backend, the line goes up.
    f.tx.offer(f.frame_chain("ping"));
    f.wr(kQueueNotify, 1);
    ASSERT_EQ(f.backend.frames.size(), 1u);
    EXPECT_EQ(f.rd(kInterruptStatus), kInterruptUsedBuffer);
    EXPECT_TRUE(f.line.high);
    f.wr(kInterruptAck, kInterruptUsedBuffer);
    EXPECT_FALSE(f.line.high);
    EXPECT_EQ(f.rd(kInterruptStatus), 0u);

    // Receive into a posted buffer.
    f.rx.offer({f.rx.writable(1530)});
    const std::array<std::byte, 60> frame{};
    EXPECT_EQ(f.net.receive(frame), RxResult::Delivered);
    EXPECT_EQ(f.rx.take_used()->len, 72u);
    EXPECT_TRUE(f.line.high);

    // Link down: a configuration change interrupt and a new generation.
    f.wr(kInterruptAck, 3);
    f.net.set_link(false);
    EXPECT_EQ(f.rd(kInterruptStatus), kInterruptConfigChange);
    EXPECT_EQ(f.rd(kConfigGeneration), 1u);
    EXPECT_TRUE(f.log.lines.empty());
}

TEST(VirtioMmio, StatusZeroResetsEverything) {
    MmioFixture f;
    f.start();
    f.tx.offer(f.frame_chain("x"));
    f.wr(kQueueNotify, 1);
    f.wr(kStatus, 0);
    EXPECT_EQ(f.rd(kStatus), 0u);
    EXPECT_EQ(f.rd(kInterruptStatus), 0u);
    EXPECT_FALSE(f.line.high);
    f.wr(kQueueSel, 1);
    EXPECT_EQ(f.rd(kQueueReady), 0u);
    EXPECT_EQ(f.net.driver_features(), 0u);
    EXPECT_FALSE(f.net.queue(1).ready());
}

TEST(VirtioMmio, QueueReadyZeroStopsTheQueue) {
    MmioFixture f;
    f.start();
    f.wr(kQueueSel, 0);
    f.wr(kQueueReady, 0);
    EXPECT_EQ(f.rd(kQueueReady), 0u);
    EXPECT_FALSE(f.net.queue(0).ready());
    EXPECT_TRUE(f.net.queue(1).ready());
}

TEST(VirtioMmio, FeaturesOkRefusedForALegacyDriver) {
    MmioFixture f;
    f.probe(kNetFeatureMac); // no VERSION_1
    EXPECT_EQ(f.rd(kStatus) & kStatusFeaturesOk, 0u);
    f.probe(NetDevice::kFeatures | (uint64_t{1} << 15)); // not offered
    EXPECT_EQ(f.rd(kStatus) & kStatusFeaturesOk, 0u);
}

TEST(VirtioMmio, NonexistentQueuesAndSharedMemory) {
    MmioFixture f;
    f.wr(kQueueSel, 2);
    EXPECT_EQ(f.rd(kQueueNumMax), 0u);
    f.wr(kQueueReady, 1); // ignored
    EXPECT_EQ(f.rd(kQueueReady), 0u);
    f.wr(kShmSel, 0);
    EXPECT_EQ(f.rd(kShmLenLow), 0xffffffffu);
    EXPECT_EQ(f.rd(kShmLenHigh), 0xffffffffu);
    f.wr(kDeviceFeaturesSel, 7);
    EXPECT_EQ(f.rd(kDeviceFeatures), 0u);
}

TEST(VirtioMmio, AccessesOfTheWrongShapeAreRefused) {
    MmioFixture f;
    uint64_t v = 0;
    EXPECT_FALSE(f.transport.read(kStatus, 1, 0, v));
    EXPECT_FALSE(f.transport.read(kStatus, 8, 0, v));
    EXPECT_FALSE(f.transport.read(kStatus + 2, 4, 0, v)); // misaligned
    EXPECT_FALSE(f.transport.read(kWindowSize, 4, 0, v));
    EXPECT_FALSE(f.transport.write(kStatus, 2, 0, 1));
    EXPECT_FALSE(f.transport.read(kConfig + 10, 1, 0, v)); // past the net config
    EXPECT_FALSE(f.transport.read(kConfig, 8, 0, v));
    VirtioMmio unattached{"x", f.line, f.log};
    EXPECT_FALSE(unattached.read(kMagicValue, 4, 0, v));
}

TEST(VirtioMmio, BadRingLayoutSetsNeedsResetWithALogLine) {
    MmioFixture f;
    f.probe();
    QueueConfig c = f.tx.config();
    c.used = GuestPhysAddr(0x1000); // outside RAM
    f.setup_queue(1, c);
    EXPECT_EQ(f.rd(kQueueReady), 0u);
    EXPECT_NE(f.rd(kStatus) & kStatusNeedsReset, 0u);
    EXPECT_EQ(f.log.lines, std::vector<std::string>{"vmm: virtio_net: queue 1: ring area outside "
                                                    "guest RAM: device needs reset"});
}

// The transport's log budget (GuestEventLimit) is the device's for the VM's lifetime: a
// driver that resets the device after every mistake does not get five full lines again.
TEST(VirtioMmio, ResettingTheDeviceDoesNotRenewItsLogBudget) {
    MmioFixture f;
    QueueConfig c = f.tx.config();
    c.used = GuestPhysAddr(0x1000); // outside RAM
    for (int i = 0; i < 20; ++i) {
        f.probe();
        f.setup_queue(1, c);
        EXPECT_NE(f.rd(kStatus) & kStatusNeedsReset, 0u);
        f.wr(kStatus, 0);
    }
    // Five in full, then a count at 8 and at 16 events.
    ASSERT_EQ(f.log.lines.size(), 7u);
    EXPECT_EQ(f.log.lines[5], "vmm: 3 more virtio driver errors suppressed (8 in all)");
    EXPECT_EQ(f.log.lines[6], "vmm: 8 more virtio driver errors suppressed (16 in all)");
}

TEST(VirtioMmio, HostileChainSetsNeedsResetAndLaterKicksAreIgnored) {
    MmioFixture f;
    f.start();
    f.wr(kInterruptAck, 3);
    // A descriptor that loops to itself.
    f.tx.write_desc(0, {f.tx.alloc(16).raw(), 16, kDescNext, 0});
    f.tx.publish(0);
    f.wr(kQueueNotify, 1);
    EXPECT_NE(f.rd(kStatus) & kStatusNeedsReset, 0u);
    EXPECT_EQ(f.rd(kInterruptStatus), kInterruptConfigChange);
    EXPECT_TRUE(f.line.high);
    ASSERT_EQ(f.log.lines.size(), 1u);
    EXPECT_EQ(f.log.lines[0],
              "vmm: virtio_net: queue 1: descriptor chain longer than its table (a loop): "
              "device needs reset");
    // A notify storm on the dead device: nothing reaches the model, nothing more logged.
    for (int i = 0; i < 10000; ++i)
        f.wr(kQueueNotify, 1);
    EXPECT_EQ(f.log.lines.size(), 1u);
    EXPECT_TRUE(f.backend.frames.empty());
    // The driver cannot clear NEEDS_RESET except by resetting; then it starts over.
    f.wr(kStatus, 15);
    EXPECT_NE(f.rd(kStatus) & kStatusNeedsReset, 0u);
    f.wr(kStatus, 0);
    EXPECT_EQ(f.rd(kStatus), 0u);
}

// ---- the VMM device ----

using test::VmmDeviceFixture;

TEST(VirtioNetVmmDevice, CreatedOnTheBusWithAnSpiAndADtbNode) {
    VmmDeviceFixture f;
    ASSERT_TRUE(f.host.spis().reserve(33)); // a passed-through interrupt
    const vmm::DeviceRecord records[] = {{"eth0", "virtio,mmio", {}}};
    ASSERT_EQ(f.host.create(records), vmm::DeviceError::Ok);
    EXPECT_EQ(f.log.lines,
              (std::vector<std::string>{"vmm: eth0: virtio-net over virtio-mmio at 0xa000000, SPI "
                                        "32, MAC 02:00:00:00:00:01, no backend: answering ARP",
                                        "vmm: device eth0 created"}));
    EXPECT_TRUE(f.host.spis().in_use(32));

    std::vector<char> blob(4096);
    ASSERT_EQ(fdt_create_empty_tree(blob.data(), static_cast<int>(blob.size())), 0);
    vmm::GuestDtbWriter writer(blob.data(), 2, 2, 0x8001);
    ASSERT_TRUE(f.host.add_nodes(writer));
    const int node = fdt_path_offset(blob.data(), "/virtio_mmio@a000000");
    ASSERT_GE(node, 0);
    EXPECT_EQ(fdt_node_check_compatible(blob.data(), node, "virtio,mmio"), 0);
    int len = 0;
    const auto* reg = static_cast<const fdt32_t*>(fdt_getprop(blob.data(), node, "reg", &len));
    ASSERT_EQ(len, 16);
    EXPECT_EQ(fdt32_to_cpu(reg[1]), 0xa000000u);
    EXPECT_EQ(fdt32_to_cpu(reg[3]), 0x200u);
    const auto* irq =
        static_cast<const fdt32_t*>(fdt_getprop(blob.data(), node, "interrupts", &len));
    ASSERT_EQ(len, 12);
    EXPECT_EQ(fdt32_to_cpu(irq[0]), 0u);
    EXPECT_EQ(fdt32_to_cpu(irq[1]), 0u); // SPI 32
    EXPECT_EQ(fdt32_to_cpu(irq[2]), 4u); // level-high
    EXPECT_NE(fdt_getprop(blob.data(), node, "dma-coherent", &len), nullptr);

    // A guest load of MagicValue at the window reaches the transport through the bus.
    vmm::MmioAccess load;
    load.ipa = GuestPhysAddr(0xa000000);
    load.size = 4;
    load.rt = 3;
    vmm::test::FakeVcpu vcpu;
    ASSERT_EQ(f.bus.handle(load, 0, vcpu), vmm::ExitAction::Resume);
    EXPECT_EQ(vcpu.x[3], 0x74726976u);
}

TEST(VirtioNetVmmDevice, NeedsRoomInTheDeviceWindow) {
    VmmDeviceFixture f;
    const vmm::DeviceRecord one[] = {{"virtio_net", {}, {}}};
    vmm::test::RecordingLog log;
    vmm::DeviceHost host{f.ram.memory(), f.bus, f.vgic, 64, f.router, log}; // no window
    EXPECT_EQ(host.create(one), vmm::DeviceError::CreateFailed);
    EXPECT_EQ(log.lines.at(0), "vmm: virtio_net: no register window left for a virtio-mmio device");
}

} // namespace
} // namespace virtio
