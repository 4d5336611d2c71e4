// Guest-triggered log lines are rate-limited per kind: the first few in full, then a
// count at every power of two.
#include <vmm/log.hpp>
#include <vmm/mmio_bus.hpp>
#include <vmm/mmio_decode.hpp>

#include "fake_log.hpp"
#include "fake_vcpu.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace vmm {
namespace {

TEST(GuestEventLimit, FirstFiveInFullThenACountAtEveryPowerOfTwo) {
    test::RecordingLog log;
    GuestEventLimit limit(log, "pokes");
    std::vector<bool> admitted;
    admitted.reserve(40);
    for (int i = 0; i < 40; ++i)
        admitted.push_back(limit.admit());
    EXPECT_EQ(std::vector<bool>(admitted.begin(), admitted.begin() + 6),
              (std::vector<bool>{true, true, true, true, true, false}));
    EXPECT_EQ(std::count(admitted.begin(), admitted.end(), true), 5);
    EXPECT_EQ(log.lines, (std::vector<std::string>{"vmm: 3 more pokes suppressed (8 in all)",
                                                   "vmm: 8 more pokes suppressed (16 in all)",
                                                   "vmm: 16 more pokes suppressed (32 in all)"}));
    EXPECT_EQ(limit.count(), 40u);
}

struct WildAccesses : ::testing::Test {
    test::RecordingLog log;
    MmioBus bus{UnhandledAccessPolicy::InjectAbort, log};
    test::FakeVcpu vcpu;

    ExitAction read_at(uint64_t ipa) {
        MmioAccess access;
        access.ipa = base::GuestPhysAddr(ipa);
        access.size = 4;
        access.rt = 1;
        return bus.handle(access, 0, vcpu);
    }
};

TEST_F(WildAccesses, TwentyFourThousandOfThemMakeAFewDozenLines) {
    vcpu.program_counter = 0xffff800008123456;
    for (uint64_t i = 0; i < 24000; ++i)
        ASSERT_EQ(read_at(0x20000000 + 4 * i), ExitAction::InjectAbort);
    EXPECT_LE(log.lines.size(), 24u);
    ASSERT_GE(log.lines.size(), 6u);
    // The first ones keep the line the system test expects.
    EXPECT_EQ(log.lines[0], "vmm: unhandled guest read of 4 bytes at 0x20000000 pc "
                            "0xffff800008123456 reg x1: injecting abort");
    EXPECT_EQ(log.lines[4], "vmm: unhandled guest read of 4 bytes at 0x20000010 pc "
                            "0xffff800008123456 reg x1: injecting abort");
    EXPECT_EQ(log.lines[5], "vmm: 3 more unhandled guest accesses suppressed (8 in all)");
    EXPECT_EQ(log.lines.back(),
              "vmm: 8192 more unhandled guest accesses suppressed (16384 in all)");
    EXPECT_EQ(bus.unhandled_count(), 24000u);
}

TEST_F(WildAccesses, EachKindHasItsOwnCount) {
    for (int i = 0; i < 5; ++i)
        ASSERT_EQ(read_at(0x20000000), ExitAction::InjectAbort);
    // Undecodable accesses are another kind: their first ones are still logged.
    ASSERT_EQ(bus.reject(base::GuestPhysAddr(0x30000000), 0x1000, "undecodable instruction"),
              ExitAction::InjectAbort);
    EXPECT_EQ(log.lines.size(), 6u);
    EXPECT_EQ(log.lines.back(), "vmm: guest access at 0x30000000 pc 0x1000 not emulated "
                                "(undecodable instruction): injecting abort");
    ASSERT_EQ(read_at(0x20000000), ExitAction::InjectAbort); // the sixth: counted only
    EXPECT_EQ(log.lines.size(), 6u);
    EXPECT_EQ(bus.rejected_count(), 1u);
}

} // namespace
} // namespace vmm
