// The modern virtio-pci transport with the virtio-net model behind it: the capability
// list as Linux's virtio_pci_modern_dev walks it, the common configuration's register
// semantics (feature pages, queue select/size/enable, status and reset), a probe and a
// frame both ways with INTx and the ISR byte, the configuration access capability, a
// driver that breaks the rules (logged rate-limited, contained), and the VMM devices
// "virtio_net_pci" and "virtio_con_pci" on the VM's PCI host bridge.
#include "../vmm/fake_log.hpp"
#include "../vmm/fake_vcpu.hpp"
#include "fake_driver.hpp"
#include "sink_backend.hpp"
#include "vmm_device_fixture.hpp"

#include <virtio/net.hpp>
#include <virtio/pci.hpp>
#include <vmm/device.hpp>

#include <libfdt.h>

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace virtio {
namespace {

using namespace pci;
using test::FakeDriver;
using test::FakeRam;
using test::SinkBackend;

struct Cap {
    uint32_t at;
    uint8_t bar;
    uint32_t offset;
    uint32_t length;
};

struct PciFixture {
    PciFixture() { transport.attach(net); }

    uint64_t rd(uint32_t offset, unsigned size) {
        uint64_t v = 0;
        EXPECT_TRUE(transport.bar_read(0, offset, size, v)) << std::hex << offset;
        return v;
    }
    void wr(uint32_t offset, unsigned size, uint64_t value) {
        EXPECT_TRUE(transport.bar_write(0, offset, size, value)) << std::hex << offset;
    }
    uint8_t status() { return static_cast<uint8_t>(rd(kCommonOffset + kDeviceStatus, 1)); }
    void set_status(uint8_t s) { wr(kCommonOffset + kDeviceStatus, 1, s); }
    // vp_modern_probe: walk the vendor capabilities, by cfg_type.
    std::map<uint8_t, Cap> capabilities() {
        vmm::PciFunction& f = transport.function();
        std::map<uint8_t, Cap> caps;
        for (uint32_t at = f.read(vmm::pci::kCapabilitiesPointer, 1); at != 0;
             at = f.read(at + 1, 1)) {
            EXPECT_EQ(f.read(at, 1), vmm::pci::kCapVendor);
            const auto type = static_cast<uint8_t>(f.read(at + 3, 1));
            caps.emplace(type, Cap{at, static_cast<uint8_t>(f.read(at + 4, 1)), f.read(at + 8, 4),
                                   f.read(at + 12, 4)});
            if (caps.size() > 8) break;
        }
        return caps;
    }
    void setup_queue(uint16_t index, const QueueConfig& c) {
        wr(kQueueSelect, 2, index);
        EXPECT_EQ(rd(kQueueSize, 2), NetDevice::kQueueSize); // the maximum until written
        EXPECT_EQ(rd(kQueueEnable, 2), 0u);
        wr(kQueueSize, 2, c.size);
        // vp_iowrite64_twopart: low half, then high half.
        for (const auto& [field, a] :
             {std::pair{kQueueDesc, c.desc.raw()}, std::pair{kQueueDriver, c.avail.raw()},
              std::pair{kQueueDevice, c.used.raw()}}) {
            wr(field, 4, a & 0xffffffff);
            wr(field + 4, 4, a >> 32);
        }
        EXPECT_EQ(rd(kQueueNotifyOff, 2), index);
        wr(kQueueEnable, 2, 1);
    }
    void probe() {
        set_status(0);
        EXPECT_EQ(status(), 0u);
        set_status(kStatusAcknowledge);
        set_status(kStatusAcknowledge | kStatusDriver);
        wr(kDeviceFeatureSelect, 4, 1);
        const uint64_t offered = rd(kDeviceFeature, 4) << 32;
        wr(kDeviceFeatureSelect, 4, 0);
        EXPECT_EQ(offered | rd(kDeviceFeature, 4), NetDevice::kFeatures);
        wr(kDriverFeatureSelect, 4, 0);
        wr(kDriverFeature, 4, NetDevice::kFeatures & 0xffffffff);
        wr(kDriverFeatureSelect, 4, 1);
        wr(kDriverFeature, 4, NetDevice::kFeatures >> 32);
        set_status(kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk);
    }
    void start() {
        probe();
        ASSERT_NE(status() & kStatusFeaturesOk, 0u);
        setup_queue(0, rx.config());
        setup_queue(1, tx.config());
        set_status(kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk | kStatusDriverOk);
    }
    void kick(uint16_t queue) { wr(kNotifyOffset + kNotifyMultiplier * queue, 2, queue); }

    FakeRam ram;
    FakeDriver rx{ram, {.size = 64, .event_idx = true, .indirect = true}};
    FakeDriver tx{ram, {.size = 64, .event_idx = true, .indirect = true}};
    vmm::test::RecordingLog log;
    SinkBackend backend;
    VirtioPci transport{"virtio_net", kDeviceIdNet, log};
    NetDevice net{ram.memory(), backend, transport, MacAddress{2, 0, 0, 0, 0, 7}};
};

TEST(VirtioPci, IdsAndCapabilitiesAsLinuxFindsThem) {
    PciFixture f;
    vmm::PciFunction& fn = f.transport.function();
    EXPECT_EQ(fn.read(vmm::pci::kVendorId, 2), 0x1af4u);
    EXPECT_EQ(fn.read(vmm::pci::kDeviceId, 2), 0x1041u); // 0x1040 + 1 (net): modern only
    EXPECT_EQ(fn.read(vmm::pci::kRevision, 1), 1u);
    EXPECT_EQ(fn.read(vmm::pci::kClassCode, 4) >> 8, 0x0200u); // network, Ethernet
    EXPECT_EQ(fn.read(vmm::pci::kSubsystemId, 2), 1u);
    EXPECT_EQ(fn.bar_size(0), kBarSize);
    const std::map<uint8_t, Cap> caps = f.capabilities();
    ASSERT_EQ(caps.size(), 5u);
    EXPECT_EQ(caps.at(kCapCommon).offset, kCommonOffset);
    EXPECT_GE(caps.at(kCapCommon).length, 0x38u); // sizeof(struct virtio_pci_common_cfg)
    EXPECT_EQ(caps.at(kCapIsr).offset, kIsrOffset);
    EXPECT_EQ(caps.at(kCapDevice).offset, kDeviceOffset);
    EXPECT_EQ(caps.at(kCapNotify).offset, kNotifyOffset);
    for (const auto& [type, c] : caps) {
        EXPECT_EQ(c.bar, 0u);
        EXPECT_EQ(c.at % 4, 0u);
        if (type != kCapPciCfg) EXPECT_LE(c.offset + c.length, kBarSize);
    }
    // notify_off_multiplier follows the notify capability's 16 bytes.
    EXPECT_EQ(fn.read(caps.at(kCapNotify).at + 16, 4), kNotifyMultiplier);
    EXPECT_EQ(fn.read(caps.at(kCapNotify).at + 2, 1), 20u); // cap_len
}

TEST(VirtioPci, CommonConfigurationRegisterSemantics) {
    PciFixture f;
    EXPECT_EQ(f.rd(kNumQueues, 2), 2u);
    EXPECT_EQ(f.rd(kConfigMsixVector, 2), kNoVector);
    // Feature pages by select; beyond page 1 nothing.
    f.wr(kDeviceFeatureSelect, 4, 1);
    EXPECT_EQ(f.rd(kDeviceFeatureSelect, 4), 1u);
    EXPECT_EQ(f.rd(kDeviceFeature, 4), NetDevice::kFeatures >> 32);
    f.wr(kDeviceFeatureSelect, 4, 7);
    EXPECT_EQ(f.rd(kDeviceFeature, 4), 0u);
    f.wr(kDriverFeatureSelect, 4, 1);
    f.wr(kDriverFeature, 4, 1);
    EXPECT_EQ(f.rd(kDriverFeature, 4), 1u);
    // Queue select: a queue that is not there reads size 0 and ignores writes.
    f.wr(kQueueSelect, 2, 5);
    EXPECT_EQ(f.rd(kQueueSize, 2), 0u);
    f.wr(kQueueSize, 2, 16);
    f.wr(kQueueEnable, 2, 1);
    EXPECT_EQ(f.rd(kQueueEnable, 2), 0u);
    // Queue 0: its maximum, then what the driver wrote; a 64-bit address in one access.
    f.wr(kQueueSelect, 2, 0);
    EXPECT_EQ(f.rd(kQueueSize, 2), NetDevice::kQueueSize);
    f.wr(kQueueSize, 2, 64);
    EXPECT_EQ(f.rd(kQueueSize, 2), 64u);
    f.wr(kQueueDesc, 8, 0x123456789abcdef0);
    EXPECT_EQ(f.rd(kQueueDesc, 8), 0x123456789abcdef0u);
    EXPECT_EQ(f.rd(kQueueDesc + 4, 4), 0x12345678u);
    EXPECT_EQ(f.rd(kQueueMsixVector, 2), kNoVector);
    // Fields only at their width: a byte of queue_select or a word of device_status is refused.
    uint64_t v = 0;
    EXPECT_FALSE(f.transport.bar_read(0, kQueueSelect, 1, v));
    EXPECT_FALSE(f.transport.bar_write(0, kDeviceStatus, 2, 0));
    EXPECT_FALSE(f.transport.bar_read(0, kQueueDesc + 2, 4, v));
    EXPECT_FALSE(f.transport.bar_read(1, 0, 4, v)); // no BAR 1
    // Reset (status 0): features, selection and queues forgotten.
    f.set_status(kStatusAcknowledge);
    f.set_status(0);
    EXPECT_EQ(f.status(), 0u);
    EXPECT_EQ(f.rd(kQueueSelect, 2), 0u);
    EXPECT_EQ(f.rd(kQueueSize, 2), NetDevice::kQueueSize);
    EXPECT_EQ(f.rd(kQueueDesc, 8), 0u);
    f.wr(kDriverFeatureSelect, 4, 1);
    EXPECT_EQ(f.rd(kDriverFeature, 4), 0u);
    EXPECT_TRUE(f.log.lines.empty());
}

TEST(VirtioPci, LinuxProbeFramesBothWaysIntxAndIsr) {
    PciFixture f;
    f.start();
    EXPECT_EQ(f.status(), 15u);
    EXPECT_EQ(f.net.driver_features(), NetDevice::kFeatures);
    // Features are fixed after FEATURES_OK.
    f.wr(kDriverFeatureSelect, 4, 0);
    f.wr(kDriverFeature, 4, 0);
    EXPECT_EQ(f.rd(kDriverFeature, 4), NetDevice::kFeatures & 0xffffffff);
    // The MAC through the device structure, as virtio_cread_bytes does.
    for (unsigned i = 0; i < 6; ++i)
        EXPECT_EQ(f.rd(kDeviceOffset + i, 1), i == 0 ? 2u : i == 5 ? 7u : 0u);
    // Transmit: a kick at queue 1's notify address; INTx rises, the ISR byte says why and
    // reading it lowers the line.
    const std::string header(12, '\0');
    f.tx.offer({f.tx.readable(header), f.tx.readable("ping")});
    f.kick(1);
    ASSERT_EQ(f.backend.frames.size(), 1u);
    EXPECT_TRUE(f.transport.function().intx_asserted());
    EXPECT_EQ(f.rd(kIsrOffset, 1), kInterruptUsedBuffer);
    EXPECT_FALSE(f.transport.function().intx_asserted());
    EXPECT_EQ(f.rd(kIsrOffset, 1), 0u);
    // Receive: a buffer posted on queue 0 takes a frame.
    f.rx.offer({f.rx.writable(2048)});
    f.kick(0);
    const std::vector<std::byte> frame(60, std::byte{0x5a});
    EXPECT_EQ(f.net.receive(frame), RxResult::Delivered);
    EXPECT_TRUE(f.transport.function().intx_asserted());
    EXPECT_TRUE(f.rx.take_used().has_value());
    // Interrupt Disable masks INTx while the ISR byte still says why.
    f.transport.function().write(vmm::pci::kCommand, 2, vmm::pci::kCommandIntxDisable);
    EXPECT_FALSE(f.transport.function().intx_asserted());
    EXPECT_EQ(f.rd(kIsrOffset, 1), kInterruptUsedBuffer);
    EXPECT_TRUE(f.log.lines.empty());
}

TEST(VirtioPci, ConfigurationAccessCapabilityReachesTheBar) {
    PciFixture f;
    const Cap cfg = f.capabilities().at(kCapPciCfg);
    vmm::PciFunction& fn = f.transport.function();
    // num_queues (2 bytes at 0x12) through pci_cfg_data.
    fn.write(cfg.at + 4, 1, 0);          // bar
    fn.write(cfg.at + 8, 4, kNumQueues); // offset
    fn.write(cfg.at + 12, 4, 2);         // length
    EXPECT_EQ(fn.read(cfg.at + 16, 4), 2u);
    // device_status written through it.
    fn.write(cfg.at + 8, 4, kDeviceStatus);
    fn.write(cfg.at + 12, 4, 1);
    fn.write(cfg.at + 16, 1, kStatusAcknowledge);
    EXPECT_EQ(f.status(), kStatusAcknowledge);
    // A window that is no access (length 3, or misaligned) reaches nothing.
    fn.write(cfg.at + 12, 4, 3);
    fn.write(cfg.at + 16, 4, 0);
    EXPECT_EQ(f.status(), kStatusAcknowledge);
    // The type and the cap_len stay what they were.
    fn.write(cfg.at + 2, 2, 0);
    EXPECT_EQ(fn.read(cfg.at + 3, 1), kCapPciCfg);
}

TEST(VirtioPci, HostileDriverIsLoggedRateLimitedAndContained) {
    PciFixture f;
    f.probe();
    // Queue size not a power of two: logged; enabling it sets NEEDS_RESET.
    f.wr(kQueueSelect, 2, 0);
    f.wr(kQueueSize, 2, 100);
    f.wr(kQueueDesc, 8, f.rx.config().desc.raw());
    f.wr(kQueueDriver, 8, f.rx.config().avail.raw());
    f.wr(kQueueDevice, 8, f.rx.config().used.raw());
    f.wr(kQueueEnable, 2, 1);
    EXPECT_EQ(f.rd(kQueueEnable, 2), 0u);
    EXPECT_NE(f.status() & kStatusNeedsReset, 0u);
    ASSERT_EQ(f.log.lines.size(), 2u);
    EXPECT_EQ(f.log.lines[0], "vmm: virtio_net: queue size not a power of two up to the maximum "
                              "(0x64): ignored");
    EXPECT_EQ(f.log.lines[1], "vmm: virtio_net: queue 0: queue size not a power of two in "
                              "1..32768: device needs reset");
    // The driver resets; rings outside guest RAM get NEEDS_RESET with their reason.
    f.set_status(0);
    f.probe();
    f.wr(kQueueSelect, 2, 1);
    f.wr(kQueueSize, 2, 64);
    f.wr(kQueueDesc, 8, 0x1000);
    f.wr(kQueueDriver, 8, 0x2000);
    f.wr(kQueueDevice, 8, 0x3000);
    f.wr(kQueueEnable, 2, 1);
    EXPECT_NE(f.status() & kStatusNeedsReset, 0u);
    EXPECT_NE(f.log.lines.back().find("queue 1: ring area outside guest RAM"), std::string::npos);
    // A notify storm on a queue that is not enabled, and on queues that do not exist: a
    // few lines, then summaries.
    f.set_status(0);
    f.start();
    f.log.lines.clear();
    f.set_status(0);
    f.probe();
    f.setup_queue(0, f.rx.config());
    f.set_status(kStatusAcknowledge | kStatusDriver | kStatusFeaturesOk | kStatusDriverOk);
    for (int i = 0; i < 1000; ++i) {
        f.kick(1);
        f.wr(kNotifyOffset + 4 * 7, 2, 7);
    }
    EXPECT_GE(f.log.lines.size(), 5u);
    EXPECT_LT(f.log.lines.size(), 20u);
    EXPECT_EQ(f.log.lines[0],
              "vmm: virtio_net: notify of a queue that is not enabled (0x1): ignored");
    EXPECT_EQ(f.status() & kStatusNeedsReset, 0u);
    // Writes that are nothing: queue_enable 0, read-only fields, the ISR byte, outside the BAR.
    f.wr(kQueueEnable, 2, 0);
    f.wr(kNumQueues, 2, 9);
    EXPECT_EQ(f.rd(kNumQueues, 2), 2u);
    f.wr(kIsrOffset, 1, 0xff);
    uint64_t v = 0;
    EXPECT_FALSE(f.transport.bar_write(0, kBarSize, 4, 0));
    EXPECT_FALSE(f.transport.bar_read(0, 0x1800, 4, v));
    EXPECT_EQ(f.rd(kQueueEnable, 2), 1u); // queue 0 (selected last) still runs
}

// A guest's 4-byte configuration read at bus 0, `device`, `reg` through the MMIO bus.
uint32_t cfg_read(test::VmmDeviceFixture& f, unsigned device, uint32_t reg) {
    vmm::MmioAccess a;
    a.ipa = GuestPhysAddr(0x3fc00000 + (device << 15) + reg);
    a.size = 4;
    a.rt = 2;
    vmm::test::FakeVcpu vcpu;
    EXPECT_EQ(f.bus.handle(a, 0, vcpu), vmm::ExitAction::Resume);
    return static_cast<uint32_t>(vcpu.x[2]);
}

TEST(VirtioNetPciVmmDevice, OnTheHostBridgeWithItsSpiAndNode) {
    test::VmmDeviceFixture f;
    const vmm::DeviceRecord records[] = {{"virtio_net_pci", {}, {}}};
    ASSERT_EQ(f.host.create(records), vmm::DeviceError::Ok);
    ASSERT_GE(f.log.lines.size(), 1u);
    EXPECT_EQ(f.log.lines[0].substr(0, 60),
              "vmm: virtio_net_pci: virtio-net over virtio-pci at 00:01.0, ");
    EXPECT_EQ(cfg_read(f, 1, 0), 0x10411af4u);
    EXPECT_EQ(cfg_read(f, 2, 0), 0xffffffffu);
    std::vector<char> blob(8192);
    ASSERT_EQ(fdt_create_empty_tree(blob.data(), static_cast<int>(blob.size())), 0);
    const int gic = fdt_add_subnode(blob.data(), 0, "intc");
    ASSERT_EQ(fdt_setprop_u32(blob.data(), gic, "phandle", 1), 0);
    vmm::GuestDtbWriter writer(blob.data(), 2, 2, 1);
    ASSERT_TRUE(f.host.add_nodes(writer));
    EXPECT_GE(fdt_path_offset(blob.data(), "/pci@3fc00000"), 0);
    // No virtio,mmio node for it.
    EXPECT_LT(fdt_node_offset_by_compatible(blob.data(), -1, "virtio,mmio"), 0);
}

// A guest reset (PSCI SYSTEM_RESET) puts the function back to unplaced: the next guest
// enumerates and places it again.
TEST(VirtioNetPciVmmDevice, GuestResetUnplacesTheBar) {
    test::VmmDeviceFixture f;
    const vmm::DeviceRecord records[] = {{"virtio_net_pci", {}, {}}};
    ASSERT_EQ(f.host.create(records), vmm::DeviceError::Ok);
    vmm::MmioAccess a;
    a.ipa = GuestPhysAddr(0x3fc00000 + (1u << 15) + vmm::pci::kBar0);
    a.size = 4;
    a.rt = 2;
    a.direction = vmm::AccessDirection::Write;
    vmm::test::FakeVcpu vcpu;
    vcpu.x[2] = 0x3fd00000;
    ASSERT_EQ(f.bus.handle(a, 0, vcpu), vmm::ExitAction::Resume);
    EXPECT_EQ(cfg_read(f, 1, vmm::pci::kBar0), 0x3fd00000u);
    f.host.reset();
    EXPECT_EQ(cfg_read(f, 1, vmm::pci::kBar0), 0u);
    EXPECT_EQ(cfg_read(f, 1, 0), 0x10411af4u);
}

TEST(VirtioNetPciVmmDevice, RefusedWithoutAPciWindow) {
    test::VmmDeviceFixture f;
    const vmm::DeviceRecord records[] = {{"virtio_net_pci", {}, {}}};
    vmm::test::RecordingLog log;
    vmm::DeviceHost host{f.ram.memory(),
                         f.bus,
                         f.vgic,
                         64,
                         f.router,
                         log,
                         {GuestPhysAddr(0xa000000), 0x10000}}; // no PCI window
    EXPECT_EQ(host.create(records), vmm::DeviceError::CreateFailed);
    EXPECT_EQ(log.lines.at(0), "vmm: virtio_net_pci: this VM has no PCI window");
}

} // namespace
} // namespace virtio
