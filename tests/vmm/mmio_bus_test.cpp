// MMIO dispatch: devices own ranges, accesses reach the right one with offsets,
// unknown accesses are logged and answered by policy.
#include <vmm/mmio_bus.hpp>
#include <vmm/mmio_decode.hpp>

#include "fake_log.hpp"
#include "fake_vcpu.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace vmm {
namespace {

class RecordingDevice final : public MmioDevice {
public:
    struct Access {
        bool write;
        uint64_t offset;
        unsigned size;
        uint64_t value;
    };
    std::vector<Access> accesses;
    uint64_t next_read = 0;
    bool refuse = false;

    bool read(uint64_t offset, unsigned size, unsigned, uint64_t& value) override {
        accesses.push_back({false, offset, size, 0});
        value = next_read++;
        return !refuse;
    }
    bool write(uint64_t offset, unsigned size, unsigned, uint64_t value) override {
        accesses.push_back({true, offset, size, value});
        return !refuse;
    }
};

MmioAccess access_at(uint64_t ipa, uint32_t insn) {
    MmioAccess a;
    a.ipa = base::GuestPhysAddr(ipa);
    EXPECT_EQ(decode_load_store(insn, a), DecodeStatus::Ok);
    return a;
}

TEST(MmioBus, RoutesToTheOwningDeviceWithRangeOffsets) {
    test::RecordingLog log;
    MmioBus bus(UnhandledAccessPolicy::InjectAbort, log);
    RecordingDevice uart, gicd;
    ASSERT_TRUE(bus.add("gicd", {base::GuestPhysAddr(0x8000000), 0x1000}, gicd));
    ASSERT_TRUE(bus.add("uart", {base::GuestPhysAddr(0x9000000), 0x1000}, uart));
    EXPECT_FALSE(bus.add("overlap", {base::GuestPhysAddr(0x8000800), 0x1000}, uart));

    test::FakeVcpu vcpu;
    vcpu.x[5] = 0xabcd;
    EXPECT_EQ(bus.handle(access_at(0x9000018, 0xb90008c5), 0, vcpu), ExitAction::Resume);
    ASSERT_EQ(uart.accesses.size(), 1u);
    EXPECT_TRUE(uart.accesses[0].write);
    EXPECT_EQ(uart.accesses[0].offset, 0x18u);
    EXPECT_EQ(uart.accesses[0].value, 0xabcdu);
    EXPECT_EQ(vcpu.program_counter, 0x1004u);

    gicd.next_read = 7;
    EXPECT_EQ(bus.handle(access_at(0x8000004, 0xb9400041), 0, vcpu), ExitAction::Resume);
    EXPECT_EQ(vcpu.x[1], 7u);
    EXPECT_TRUE(log.lines.empty());
}

TEST(MmioBus, PairsBecomeTwoAccesses) {
    test::RecordingLog log;
    MmioBus bus(UnhandledAccessPolicy::InjectAbort, log);
    RecordingDevice dev;
    ASSERT_TRUE(bus.add("dev", {base::GuestPhysAddr(0xa000000), 0x200}, dev));
    test::FakeVcpu vcpu;
    dev.next_read = 40;
    EXPECT_EQ(bus.handle(access_at(0xa000010, 0xa94114c4), 0, vcpu), ExitAction::Resume);
    ASSERT_EQ(dev.accesses.size(), 2u);
    EXPECT_EQ(dev.accesses[1].offset, 0x18u);
    EXPECT_EQ(vcpu.x[4], 40u);
    EXPECT_EQ(vcpu.x[5], 41u);
}

TEST(MmioBus, UnknownAccessIsLoggedAndAnsweredByPolicy) {
    test::RecordingLog log;
    MmioBus inject(UnhandledAccessPolicy::InjectAbort, log);
    test::FakeVcpu vcpu;
    vcpu.program_counter = 0xffff800008123456;
    EXPECT_EQ(inject.handle(access_at(0x20000000, 0xb9400041), 0, vcpu), ExitAction::InjectAbort);
    ASSERT_EQ(log.lines.size(), 1u);
    EXPECT_EQ(log.lines[0], "vmm: unhandled guest read of 4 bytes at 0x20000000 pc "
                            "0xffff800008123456 reg x1: injecting abort");
    EXPECT_EQ(vcpu.program_counter, 0xffff800008123456u); // not completed

    MmioBus halt(UnhandledAccessPolicy::HaltVm, log);
    EXPECT_EQ(halt.handle(access_at(0x20000000, 0xb90008c5), 0, vcpu), ExitAction::HaltVm);
    EXPECT_NE(log.lines[1].find("write of 4 bytes at 0x20000000"), std::string::npos);
    EXPECT_EQ(halt.reject(base::GuestPhysAddr(0x30000000), 0x10, "undecodable instruction"),
              ExitAction::HaltVm);
    EXPECT_EQ(log.lines[2], "vmm: guest access at 0x30000000 pc 0x10 not emulated "
                            "(undecodable instruction): halting VM");
}

TEST(MmioBus, AccessesStraddlingADeviceEdgeOrRefusedAreUnhandled) {
    test::RecordingLog log;
    MmioBus bus(UnhandledAccessPolicy::InjectAbort, log);
    RecordingDevice dev;
    ASSERT_TRUE(bus.add("dev", {base::GuestPhysAddr(0xa000000), 0x200}, dev));
    test::FakeVcpu vcpu;
    EXPECT_EQ(bus.handle(access_at(0xa0001fc, 0xf9400883), 0, vcpu), ExitAction::InjectAbort);
    EXPECT_TRUE(dev.accesses.empty());
    dev.refuse = true;
    EXPECT_EQ(bus.handle(access_at(0xa000000, 0xb9400041), 0, vcpu), ExitAction::InjectAbort);
    EXPECT_EQ(log.lines.size(), 2u);
}

} // namespace
} // namespace vmm
