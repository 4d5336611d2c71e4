// When a busy guest's tick invalidates its TLB for QEMU (kernel/src/soft_tlb_regrow.hpp):
// the first time on a core, then once per interval, whatever the counter's value.
#include "soft_tlb_regrow.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace {

using kernel::soft_tlb_regrow::due;

constexpr uint64_t kInterval = 6'250'000; // 100 ms of QEMU virt's 62.5 MHz counter

TEST(SoftTlbRegrow, TheFirstBusyTickOnACoreInvalidates) {
    EXPECT_TRUE(due(1, 0, kInterval));
    EXPECT_TRUE(due(kInterval * 5, 0, kInterval));
}

TEST(SoftTlbRegrow, LaterOnesWaitForTheInterval) {
    const uint64_t last = 123'456'789;
    EXPECT_FALSE(due(last, last, kInterval)) << "the same tick";
    EXPECT_FALSE(due(last + kInterval - 1, last, kInterval));
    EXPECT_TRUE(due(last + kInterval, last, kInterval));
    EXPECT_TRUE(due(last + 10 * kInterval, last, kInterval)) << "after an idle spell";
}

TEST(SoftTlbRegrow, ACounterThatWrapsStillCountsTheInterval) {
    const uint64_t last = UINT64_MAX - kInterval / 2;
    EXPECT_FALSE(due(last + kInterval / 4, last, kInterval));
    EXPECT_TRUE(due(last + kInterval, last, kInterval)) << "wrapped past zero";
}

} // namespace
