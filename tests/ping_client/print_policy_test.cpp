// PingClient's print policy (components/PingClient/print_policy.hpp): every packet and
// every counters line by default (upstream's output); in summary mode the first line,
// one per kSummaryFrames frames, and one for every loss, and nothing else.
#include <ping_client/print_policy.hpp>

#include <gtest/gtest.h>

namespace ping_client {
namespace {

TEST(PrintPolicy, DefaultPrintsEveryPacketAndEveryCountersLine) {
    PrintPolicy p(1);
    EXPECT_TRUE(p.packets());
    Counters c;
    for (int i = 0; i < 5; ++i) {
        ++c.frames;
        EXPECT_TRUE(p.counters_due(c, 0));
    }
}

TEST(PrintPolicy, SummaryPrintsTheFirstLineThenOnePerThousandFrames) {
    PrintPolicy p(0);
    EXPECT_FALSE(p.packets());
    Counters c;
    c.frames = 1;
    EXPECT_TRUE(p.counters_due(c, 0));
    int lines = 0;
    for (c.frames = 2; c.frames <= 3 * PrintPolicy::kSummaryFrames + 10; ++c.frames)
        lines += p.counters_due(c, 0) ? 1 : 0;
    EXPECT_EQ(lines, 3);
}

TEST(PrintPolicy, SummaryPrintsEveryLossAtOnce) {
    PrintPolicy p(0);
    Counters c;
    c.frames = 1;
    EXPECT_TRUE(p.counters_due(c, 0));
    c.frames = 2;
    EXPECT_FALSE(p.counters_due(c, 0));
    c.frames = 3;
    ++c.malformed;
    EXPECT_TRUE(p.counters_due(c, 0));
    c.frames = 4;
    ++c.dropped;
    EXPECT_TRUE(p.counters_due(c, 0));
    c.frames = 5;
    EXPECT_TRUE(p.counters_due(c, 1)); // a reply found the send ring full
    c.frames = 6;
    EXPECT_FALSE(p.counters_due(c, 1)); // nothing new
}

TEST(PrintPolicy, BatchesThatSkipAThousandStillPrint) {
    PrintPolicy p(0);
    Counters c;
    c.frames = 990;
    EXPECT_TRUE(p.counters_due(c, 0)); // first
    c.frames = 1005;                   // a batch of 15 crossed 1000
    EXPECT_TRUE(p.counters_due(c, 0));
    c.frames = 1990;
    EXPECT_FALSE(p.counters_due(c, 0));
}

} // namespace
} // namespace ping_client
