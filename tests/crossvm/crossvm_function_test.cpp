// The cross-VM PCI function and the "crossvm" VMM device on the host: created through the
// VM library's DeviceHost from a configuration's links, enumerated through ECAM as Linux
// does, its dataport mapped (through a fake backend port) where the guest puts BAR1 and
// moved or removed with it, the doorbell, the consumed event's INTx with the status and
// acknowledgement registers and uio_pci_generic's masking, and hostile guests: wild
// register accesses, doorbell storms, a refused placement, dataports that fit no BAR.
#include "device_bench.hpp"
#include "fake_vcpu.hpp"

#include <crossvm/crossvm_function.hpp>
#include <vmm/device.hpp>
#include <vmm/guest_memory.hpp>
#include <vmm/mmio_bus.hpp>
#include <vmm/vgic_distributor.hpp>

#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <vector>

namespace {

using base::GuestPhysAddr;
using namespace vmm;

constexpr uint32_t kMappingSlot = 7;
constexpr uint32_t kSecondMappingSlot = 8;
constexpr uint32_t kReadySlot = 9;
constexpr uint64_t kDoneBits = 1 << 5;
constexpr uint64_t kMem = 0x3fd00000; // the PCI memory window (after the 1 MiB ECAM)

class FakePort final : public BackendPort {
public:
    void call(uint32_t, base::RpcMessage&) override {}
    void signal(uint32_t slot) override { signals.push_back(slot); }
    bool move_mapping(uint32_t slot, std::optional<uint64_t> ipa) override {
        moves.push_back({slot, ipa});
        return !refuse;
    }
    struct Move {
        uint32_t slot;
        std::optional<uint64_t> ipa;
        bool operator==(const Move&) const = default;
    };
    std::vector<uint32_t> signals;
    std::vector<Move> moves;
    bool refuse = false;
};

struct Fixture : test::DeviceBench {
    explicit Fixture(uint64_t dataport_size = 0x1000) : frames(dataport_size) {
        connections = {BackendConnection{"crossvm_dp_0", kMappingSlot, frames, 0, &port},
                       BackendConnection{"crossvm_dp_1", kSecondMappingSlot, frames, 0, &port},
                       BackendConnection{"ready", kReadySlot, {}, 0, &port},
                       BackendConnection{"done", 0, {}, kDoneBits, &port}};
    }
    DeviceError create() {
        record = {"crossvm", {}, connections, {}, links};
        return devices.create({&record, 1});
    }
    uint64_t cfg_read(unsigned device, uint32_t reg, unsigned size) {
        uint64_t v = 0;
        EXPECT_TRUE(devices.pci().read(uint64_t{device} << 15 | reg, size, 0, v));
        return v;
    }
    void cfg_write(unsigned device, uint32_t reg, unsigned size, uint32_t value) {
        EXPECT_TRUE(devices.pci().write(uint64_t{device} << 15 | reg, size, 0, value));
    }
    // What Linux's enumeration does to a function: size both BARs, place them, decode on.
    void place(unsigned device, uint32_t bar0, uint32_t bar1) {
        cfg_write(device, pci::kCommand, 2, 0);
        for (uint32_t bar : {0u, 1u}) {
            cfg_write(device, pci::kBar0 + 4 * bar, 4, 0xffffffff);
            (void)cfg_read(device, pci::kBar0 + 4 * bar, 4);
        }
        cfg_write(device, pci::kBar0, 4, bar0);
        cfg_write(device, pci::kBar0 + 4, 4, bar1);
        cfg_write(device, pci::kCommand, 2, pci::kCommandMemory);
    }
    ExitAction guest(uint64_t ipa, AccessDirection dir, uint64_t value = 0, unsigned size = 4) {
        MmioAccess a;
        a.ipa = GuestPhysAddr(ipa);
        a.size = size;
        a.rt = 1;
        a.direction = dir;
        vcpu.x[1] = value;
        return bus.handle(a, 0, vcpu);
    }
    uint64_t reg(uint64_t bar0, uint32_t offset) {
        EXPECT_EQ(guest(bar0 + offset, AccessDirection::Read), ExitAction::Resume);
        return vcpu.x[1];
    }

    DeviceHost devices{memory,
                       bus,
                       vgic,
                       64,
                       notifications,
                       log,
                       {GuestPhysAddr(0x3fbf0000), 0x10000},
                       nullptr,
                       {GuestPhysAddr(0x3fc00000), 0x200000}};
    std::vector<std::byte> frames;
    FakePort port;
    std::array<BackendConnection, 4> connections;
    std::vector<CrossvmLink> links{{"crossvm_dp_0", "ready", "done"}, {"crossvm_dp_1", "", ""}};
    DeviceRecord record;
    test::FakeVcpu vcpu;
};

TEST(Crossvm, OneFunctionPerLinkWithItsIdsBarsAndRegisters) {
    Fixture f;
    ASSERT_EQ(f.create(), DeviceError::Ok);
    EXPECT_EQ(f.cfg_read(1, pci::kVendorId, 4), 0x00014248u);
    EXPECT_EQ(f.cfg_read(2, pci::kVendorId, 4), 0x00014248u);
    EXPECT_EQ(f.cfg_read(1, pci::kRevision, 4) >> 8, crossvm::kClassCode);
    EXPECT_EQ(f.cfg_read(1, pci::kInterruptPin, 1), 1u);
    EXPECT_TRUE(f.log.has("crossvm: crossvm_dp_0: PCI 00:1.0, SPI 32, dataport 4096 bytes, "
                          "doorbell emits ready, interrupt on done"));
    EXPECT_TRUE(f.log.has("crossvm: crossvm_dp_1: PCI 00:2.0, SPI 33, dataport 4096 bytes"));
    f.place(1, kMem, kMem + 0x1000);
    EXPECT_EQ(f.cfg_read(1, pci::kBar0, 4), kMem);
    EXPECT_EQ(f.reg(kMem, crossvm::reg::kId), crossvm::kIdValue);
    EXPECT_EQ(f.reg(kMem, crossvm::reg::kVersion), 1u);
    EXPECT_EQ(f.reg(kMem, crossvm::reg::kDataportSize), 4096u);
    EXPECT_EQ(f.reg(kMem, crossvm::reg::kFeatures),
              crossvm::kFeatureEmits | crossvm::kFeatureConsumes);
    f.place(2, kMem + 0x2000, kMem + 0x3000);
    EXPECT_EQ(f.reg(kMem + 0x2000, crossvm::reg::kFeatures), 0u);
}

TEST(Crossvm, TheFramesAreMappedWhereTheGuestPutsBar1AndFollowIt) {
    Fixture f;
    ASSERT_EQ(f.create(), DeviceError::Ok);
    EXPECT_TRUE(f.port.moves.empty()) << "nothing mapped before the guest places BAR1";
    f.place(1, kMem, kMem + 0x4000);
    using Move = FakePort::Move;
    ASSERT_EQ(f.port.moves, (std::vector<Move>{{kMappingSlot, kMem + 0x4000}}));
    EXPECT_TRUE(f.log.has("crossvm: crossvm_dp_0: dataport of 4096 bytes mapped at 0x3fd04000"));
    // Decoding off (Linux sizes and reprograms BARs so): removed; moved: mapped there.
    f.cfg_write(1, pci::kCommand, 2, 0);
    f.cfg_write(1, pci::kBar0 + 4, 4, kMem + 0x8000);
    f.cfg_write(1, pci::kCommand, 2, pci::kCommandMemory);
    EXPECT_EQ(f.port.moves, (std::vector<Move>{{kMappingSlot, kMem + 0x4000},
                                               {kMappingSlot, std::nullopt},
                                               {kMappingSlot, kMem + 0x8000}}));
    // Reprogrammed while decoding (no disable first): one move.
    f.cfg_write(1, pci::kBar0 + 4, 4, kMem + 0x9000);
    EXPECT_EQ(f.port.moves.back(), (Move{kMappingSlot, kMem + 0x9000}));
    // Outside the PCI memory window (over guest RAM): not backed, removed.
    f.cfg_write(1, pci::kBar0 + 4, 4, 0x40000000);
    EXPECT_EQ(f.port.moves.back(), (Move{kMappingSlot, std::nullopt}));
    const std::size_t before = f.port.moves.size();
    f.cfg_write(1, pci::kInterruptLine, 1, 3);
    EXPECT_EQ(f.port.moves.size(), before) << "other header writes move nothing";
    // A guest reset puts every BAR back to unplaced: the frames leave the guest.
    f.cfg_write(1, pci::kBar0 + 4, 4, kMem + 0x9000);
    f.devices.reset(); // the host bridge's functions, then the devices
    EXPECT_EQ(f.port.moves.back(), (Move{kMappingSlot, std::nullopt}));
}

TEST(Crossvm, TheDoorbellEmitsTheEventAndAStormIsLoggedRateLimited) {
    Fixture f;
    ASSERT_EQ(f.create(), DeviceError::Ok);
    f.place(1, kMem, kMem + 0x1000);
    const std::size_t lines = f.log.lines.size();
    ASSERT_EQ(f.guest(kMem + crossvm::reg::kDoorbell, AccessDirection::Write, 1),
              ExitAction::Resume);
    EXPECT_EQ(f.port.signals, std::vector<uint32_t>{kReadySlot});
    EXPECT_TRUE(f.log.has("crossvm: crossvm_dp_0: guest rang the doorbell (1 so far)"));
    for (int i = 0; i < 20000; ++i)
        (void)f.guest(kMem + crossvm::reg::kDoorbell, AccessDirection::Write, 1);
    EXPECT_EQ(f.port.signals.size(), 20001u) << "every doorbell signals";
    EXPECT_EQ(f.reg(kMem, crossvm::reg::kEmitted), 20001u);
    EXPECT_LT(f.log.lines.size() - lines, 25u) << "a storm makes a handful of lines";
    // A link without an event to emit: counted and logged, nothing signalled.
    f.place(2, kMem + 0x2000, kMem + 0x3000);
    ASSERT_EQ(f.guest(kMem + 0x2000 + crossvm::reg::kDoorbell, AccessDirection::Write, 1),
              ExitAction::Resume);
    EXPECT_EQ(f.port.signals.size(), 20001u);
}

TEST(Crossvm, AConsumedEventRaisesIntxUntilAcknowledgedAndHonoursIntxMasking) {
    Fixture f;
    ASSERT_EQ(f.create(), DeviceError::Ok);
    f.place(1, kMem, kMem + 0x1000);
    EXPECT_EQ(f.reg(kMem, crossvm::reg::kStatus), 0u);
    EXPECT_EQ(f.notifications.dispatch(kDoneBits | 1), 1u) << "the event's bits are the device's";
    EXPECT_EQ(f.reg(kMem, crossvm::reg::kStatus), crossvm::kStatusEvent);
    EXPECT_EQ(f.reg(kMem, crossvm::reg::kReceived), 1u);
    EXPECT_TRUE(f.vgic.pending(32));
    EXPECT_NE(f.cfg_read(1, pci::kStatus, 2) & pci::kStatusInterrupt, 0u);
    // uio_pci_generic's handler masks INTx through the command register; the status stays.
    f.cfg_write(1, pci::kCommand, 2, pci::kCommandMemory | pci::kCommandIntxDisable);
    EXPECT_FALSE(f.vgic.pending(32));
    EXPECT_EQ(f.reg(kMem, crossvm::reg::kStatus), crossvm::kStatusEvent);
    f.cfg_write(1, pci::kCommand, 2, pci::kCommandMemory);
    EXPECT_TRUE(f.vgic.pending(32)) << "unmasking delivers what is pending";
    ASSERT_EQ(f.guest(kMem + crossvm::reg::kAck, AccessDirection::Write, crossvm::kStatusEvent),
              ExitAction::Resume);
    EXPECT_EQ(f.reg(kMem, crossvm::reg::kStatus), 0u);
    EXPECT_FALSE(f.vgic.pending(32));
    EXPECT_EQ(f.cfg_read(1, pci::kStatus, 2) & pci::kStatusInterrupt, 0u);
    // Reset: nothing pending, counters 0.
    (void)f.notifications.dispatch(kDoneBits);
    f.devices.reset(); // the host bridge's functions, then the devices
    EXPECT_FALSE(f.vgic.pending(32));
    f.place(1, kMem, kMem + 0x1000);
    EXPECT_EQ(f.reg(kMem, crossvm::reg::kStatus), 0u);
    EXPECT_EQ(f.reg(kMem, crossvm::reg::kReceived), 0u);
}

TEST(Crossvm, WildRegisterAccessesAreRefusedOrIgnoredAndLoggedRateLimited) {
    Fixture f;
    ASSERT_EQ(f.create(), DeviceError::Ok);
    f.place(1, kMem, kMem + 0x1000);
    // Byte and 8-byte accesses and misaligned words: refused (the bus injects an abort).
    EXPECT_EQ(f.guest(kMem + crossvm::reg::kStatus, AccessDirection::Read, 0, 1),
              ExitAction::InjectAbort);
    EXPECT_EQ(f.guest(kMem + crossvm::reg::kDoorbell, AccessDirection::Write, 1, 8),
              ExitAction::InjectAbort);
    EXPECT_EQ(f.guest(kMem + 0x12, AccessDirection::Write, 1, 2), ExitAction::InjectAbort);
    EXPECT_TRUE(f.port.signals.empty()) << "a refused doorbell write signals nothing";
    // Read-only and reserved registers ignore writes; reserved ones read as zero.
    ASSERT_EQ(f.guest(kMem + crossvm::reg::kId, AccessDirection::Write, 0), ExitAction::Resume);
    EXPECT_EQ(f.reg(kMem, crossvm::reg::kId), crossvm::kIdValue);
    EXPECT_TRUE(f.log.has("crossvm: crossvm_dp_0: guest write to a read-only or reserved "
                          "register at register offset 0x0 (value 0x0)"));
    ASSERT_EQ(f.guest(kMem + 0xffc, AccessDirection::Write, 5), ExitAction::Resume);
    EXPECT_EQ(f.reg(kMem, 0xffc), 0u);
    // BAR1 reaches the VMM only where its frames are not mapped: nothing there.
    f.port.refuse = true;
    f.cfg_write(1, pci::kBar0 + 4, 4, kMem + 0x6000);
    EXPECT_EQ(f.guest(kMem + 0x6000, AccessDirection::Read), ExitAction::InjectAbort);
    const std::size_t lines = f.log.lines.size();
    for (int i = 0; i < 10000; ++i)
        (void)f.guest(kMem + 0x100 + uint64_t{4} * (i % 64), AccessDirection::Write, 0xdead);
    EXPECT_LT(f.log.lines.size() - lines, 25u);
    EXPECT_EQ(f.reg(kMem, crossvm::reg::kStatus), 0u) << "the state is untouched";
}

TEST(Crossvm, ARefusedPlacementLeavesBar1UnbackedAndIsLogged) {
    Fixture f;
    ASSERT_EQ(f.create(), DeviceError::Ok);
    f.port.refuse = true;
    f.place(1, kMem, kMem + 0x1000);
    EXPECT_TRUE(f.log.has("crossvm: crossvm_dp_0: the dataport cannot be mapped at "
                          "0x3fd01000 (another mapping is there): BAR1 is not backed"));
    EXPECT_EQ(f.guest(kMem + 0x1000, AccessDirection::Read), ExitAction::InjectAbort);
    f.port.refuse = false;
    f.cfg_write(1, pci::kBar0 + 4, 4, kMem + 0x3000);
    EXPECT_EQ(f.port.moves.back(), (FakePort::Move{kMappingSlot, kMem + 0x3000}));
}

TEST(Crossvm, ADataportThatFitsNoBarIsLeftOutAndLogged) {
    EXPECT_EQ(crossvm::dataport_bar_size(0x1000), 0x1000u);
    EXPECT_EQ(crossvm::dataport_bar_size(0x3000), 0x4000u) << "rounded up to a power of two";
    EXPECT_EQ(crossvm::dataport_bar_size(0x1800), 0u) << "not whole pages";
    EXPECT_EQ(crossvm::dataport_bar_size(0), 0u);
    EXPECT_EQ(crossvm::dataport_bar_size(crossvm::kMaxDataport), crossvm::kMaxDataport);
    EXPECT_EQ(crossvm::dataport_bar_size(crossvm::kMaxDataport + 0x1000), 0u);
    Fixture f(0x1800);
    ASSERT_EQ(f.create(), DeviceError::Ok) << "the function stays, without BAR1";
    EXPECT_TRUE(f.log.has("crossvm: crossvm_dp_0: a dataport of 6144 bytes fits no BAR "
                          "(whole pages, at most 524288): not shown to the guest"));
    f.cfg_write(1, pci::kBar0 + 4, 4, 0xffffffff);
    EXPECT_EQ(f.cfg_read(1, pci::kBar0 + 4, 4), 0u);
    f.place(1, kMem, 0);
    EXPECT_TRUE(f.port.moves.empty());
    EXPECT_EQ(f.reg(kMem, crossvm::reg::kDataportSize), 0u);
}

TEST(Crossvm, LinksWithoutTheirConnectionsAreRefused) {
    Fixture f;
    f.links = {{"crossvm_dp_9", "", ""}};
    EXPECT_EQ(f.create(), DeviceError::CreateFailed);
    EXPECT_TRUE(f.log.has("crossvm: crossvm_dp_9: no movable mapping for the dataport in the "
                          "configuration"));
}

} // namespace
