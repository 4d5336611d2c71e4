// When the VMM reads its TLB ballast (vmm/soft_tlb_ballast.hpp): at the first block, then
// not again until the interval has passed; never when off or given less than a page.
#include <vmm/soft_tlb_ballast.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace {

using vmm::SoftTlbBallast;

TEST(SoftTlbBallast, ReadsAtTheFirstBlockThenOncePerInterval) {
    std::vector<std::byte> memory(8 * SoftTlbBallast::kPageSize);
    SoftTlbBallast ballast(memory, 1000);
    EXPECT_TRUE(ballast.enabled());
    EXPECT_EQ(ballast.pages(), 8u);
    EXPECT_TRUE(ballast.before_block(5));
    EXPECT_FALSE(ballast.before_block(6));
    EXPECT_FALSE(ballast.before_block(1004)); // 999 ticks later
    EXPECT_TRUE(ballast.before_block(1005));
    EXPECT_FALSE(ballast.before_block(1500));
    EXPECT_TRUE(ballast.before_block(100000)); // a long wait: once, not once per interval
    EXPECT_FALSE(ballast.before_block(100001));
    EXPECT_EQ(ballast.readings(), 3u);
}

TEST(SoftTlbBallast, OffOrLessThanAPageNeverReads) {
    SoftTlbBallast off;
    EXPECT_FALSE(off.enabled());
    EXPECT_FALSE(off.before_block(0));
    EXPECT_FALSE(off.before_block(1u << 30));
    std::vector<std::byte> small(SoftTlbBallast::kPageSize - 1);
    SoftTlbBallast too_small(small, 1);
    EXPECT_FALSE(too_small.enabled());
    EXPECT_FALSE(too_small.before_block(10));
    EXPECT_EQ(too_small.readings(), 0u);
}

TEST(SoftTlbBallast, ReadsOnlyWholePagesInsideItsMemory) {
    // 2.5 pages: two are read, and under AddressSanitizer a read past the end would fail.
    std::vector<std::byte> memory(5 * SoftTlbBallast::kPageSize / 2);
    SoftTlbBallast ballast(memory, 1);
    EXPECT_EQ(ballast.pages(), 2u);
    EXPECT_TRUE(ballast.before_block(0));
}

} // namespace
