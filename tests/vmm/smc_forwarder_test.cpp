// vmm::SmcForwarder through a fake firmware: listed calls reach it with their arguments and
// its answer comes back, logged rate-limited; other calls in its ranges are refused and logged,
// rate-limited; installed, it owns the firmware services' ranges and leaves PSCI to the VMM.
#include "fake_firmware.hpp"
#include "fake_log.hpp"

#include <vmm/smc_forwarder.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace {

using vmm::SmcccCall;
using vmm::SmcccResult;
using vmm::SmcForwarder;

using Firmware = vmm::test::FakeFirmware;

constexpr uint32_t kAllowed[] = {0xc2000001, 0x83000010, 0xb2000002};

TEST(SmcForwarder, ListedCallsReachTheFirmwareWithTheirArguments) {
    vmm::test::RecordingLog log;
    Firmware firmware;
    SmcForwarder f(log, "allowed_smc_functions", kAllowed, &firmware);
    const SmcccResult r = f.call(0, SmcccCall{0xc2000001, 10, 20, 30});
    ASSERT_EQ(firmware.calls.size(), 1u);
    EXPECT_EQ(firmware.calls[0].x2, 20u);
    EXPECT_EQ(r.result, 0);
    EXPECT_EQ(r.extra_results, 3);
    EXPECT_EQ(r.more[2], 31u);
    (void)f.call(1, SmcccCall{0x83000010, 0, 0, 0});
    (void)f.call(1, SmcccCall{0xb2000002, 0, 0, 0});
    EXPECT_EQ(f.forwarded(), 3u);
    ASSERT_EQ(log.lines.size(), 3u);
    EXPECT_EQ(log.lines[0], "vmm: allowed_smc_functions: forwarded guest call 0xc2000001 (x1 0xa) "
                            "on vCPU 0 to the firmware: x0 0x0");
    for (uint32_t i = 0; i < 10000; ++i)
        (void)f.call(0, SmcccCall{0xc2000001, i, 0, 0});
    EXPECT_EQ(f.forwarded(), 10003u);
    EXPECT_LT(log.lines.size(), 25u) << "a busy guest's allowed calls do not flood the log";
}

TEST(SmcForwarder, UnlistedCallsAreRefusedAndAFloodIsLoggedOnlyAFewTimes) {
    vmm::test::RecordingLog log;
    Firmware firmware;
    SmcForwarder f(log, "allowed_smc_functions", kAllowed, &firmware);
    EXPECT_EQ(f.call(2, SmcccCall{0xc2000002, 0xabc, 0, 0}).result, vmm::smccc::kNotSupported);
    ASSERT_EQ(log.lines.size(), 1u);
    EXPECT_EQ(log.lines[0], "vmm: allowed_smc_functions: refused guest call 0xc2000002 (x1 0xabc) "
                            "on vCPU 2: NOT_SUPPORTED");
    for (uint32_t i = 0; i < 10000; ++i)
        (void)f.call(0, SmcccCall{0x82000000 + (i & 0xff), i, 0, 0});
    EXPECT_TRUE(firmware.calls.empty());
    EXPECT_EQ(f.refused(), 10001u);
    EXPECT_LT(log.lines.size(), 20u) << "a guest cannot flood the log (10,001 calls)";
}

TEST(SmcForwarder, WithoutAWayToTheFirmwareListedCallsAreNotSupportedAndSaySo) {
    vmm::test::RecordingLog log;
    SmcForwarder f(log, "allowed_smc_functions", kAllowed, nullptr);
    EXPECT_FALSE(f.reaches_firmware());
    EXPECT_EQ(f.call(0, SmcccCall{0xc2000001, 0, 0, 0}).result, vmm::smccc::kNotSupported);
    ASSERT_EQ(log.lines.size(), 1u);
    EXPECT_NE(log.lines[0].find("no firmware for guest call 0xc2000001"), std::string::npos);
}

TEST(SmcForwarder, InstalledItOwnsTheFirmwareRangesButNotPsciOrTheHypervisors) {
    vmm::test::RecordingLog log;
    Firmware firmware;
    vmm::SmcccDispatcher dispatcher{log};
    SmcForwarder f(log, "allowed_smc_functions", kAllowed, &firmware);
    ASSERT_TRUE(f.install(dispatcher, SmcForwarder::kAllRanges, log));
    EXPECT_EQ(dispatcher.call(0, vmm::SmcccConduit::Smc, SmcccCall{0xb2000002, 0, 0, 0}).result, 0);
    EXPECT_EQ(firmware.calls.size(), 1u);
    // PSCI and the vendor hypervisor range stay unowned here (the VM's own handlers).
    EXPECT_EQ(dispatcher.call(0, vmm::SmcccConduit::Smc, SmcccCall{0x84000008, 0, 0, 0}).result,
              vmm::smccc::kNotSupported);
    EXPECT_EQ(dispatcher.unsupported_count(), 1u);
    EXPECT_EQ(firmware.calls.size(), 1u);
    for (const uint32_t id : kAllowed)
        EXPECT_TRUE(arm::smccc::forwardable_to_firmware(id)) << std::hex << id;
    // A second owner of the same ranges is refused, with a line saying which.
    SmcForwarder other(log, "zynqmp_smc", kAllowed, nullptr);
    EXPECT_FALSE(other.install(dispatcher, SmcForwarder::kAllRanges, log));
    EXPECT_NE(log.lines.back().find("vmm: zynqmp_smc: firmware calls 0x82000000..0x83ffffff are "
                                    "already another handler's"),
              std::string::npos)
        << log.lines.back();
}

// What the kernel forwards (arm::smccc::forwardable_to_firmware): the firmware's services,
// never PSCI's power calls, the Arm Architecture calls, hypervisor services or yielding calls.
TEST(SmcForwarder, TheKernelForwardsOnlyTheFirmwaresFastServices) {
    using arm::smccc::forwardable_to_firmware;
    for (const uint32_t yes : {0x82000000u, 0xc200ffffu, 0x83000001u, 0xb0000000u, 0xff00ffffu,
                               0x84000000u, 0x8400000au, 0x84000050u, 0xc4000053u})
        EXPECT_TRUE(forwardable_to_firmware(yes)) << std::hex << yes;
    for (const uint32_t no : {0x84000008u, 0x84000009u, 0xc4000003u, 0x84000002u, 0x80000000u,
                              0x80008000u, 0x86000000u, 0xc5000000u, 0x02000001u, 0x84000054u})
        EXPECT_FALSE(forwardable_to_firmware(no)) << std::hex << no;
}

} // namespace
