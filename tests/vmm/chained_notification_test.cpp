// A chained notification word: the bound word's bit for it makes the VMM poll the word and
// route each of its bits to its handler (a passed-through IRQ beyond the bound word's 64).
#include <vmm/chained_notification.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace {

struct FakeWord final : vmm::NotificationWordSource {
    uint64_t pending = 0;
    unsigned polls = 0;
    uint64_t poll() override {
        ++polls;
        const uint64_t bits = pending;
        pending = 0;
        return bits;
    }
};

struct Recorder final : vmm::NotificationHandler {
    std::vector<uint64_t> seen;
    void notified(uint64_t bits) override { seen.push_back(bits); }
};

TEST(ChainedNotification, TheBoundBitPollsTheWordAndRoutesItsBits) {
    FakeWord word;
    vmm::ChainedNotification chained(word);
    Recorder irq70;
    Recorder irq133;
    ASSERT_TRUE(chained.add(uint64_t{1} << 0, irq70));
    ASSERT_TRUE(chained.add(uint64_t{1} << 63, irq133));
    EXPECT_FALSE(chained.add(uint64_t{1} << 63, irq70)); // a bit has one owner
    vmm::NotificationRouter bound;
    ASSERT_TRUE(bound.add(uint64_t{1} << 5, chained));

    word.pending = (uint64_t{1} << 63) | 1 | 0x10;
    EXPECT_EQ(bound.dispatch((uint64_t{1} << 5) | 2), 2u); // bit 1 of the bound word: nobody's
    EXPECT_EQ(word.polls, 1u);
    EXPECT_EQ(irq70.seen, std::vector<uint64_t>{1});
    EXPECT_EQ(irq133.seen, std::vector<uint64_t>{uint64_t{1} << 63});
    EXPECT_EQ(chained.stray(), 0x10u);

    // Nothing in the word (a signal already polled): nobody is told.
    bound.dispatch(uint64_t{1} << 5);
    EXPECT_EQ(word.polls, 2u);
    EXPECT_EQ(irq70.seen.size(), 1u);
}

} // namespace
