// The SerialServer's transmit side (serial::OutputDrain): clients' output rings into the
// console, for one client's batch() call or for every client whose wake-up bit arrived,
// in turns so that a full ring of one client's flood does not hold another's line back;
// an unfinished line held until its rest, a wake-up that finds the ring empty or a call;
// nothing lost, broken rings reported.
#include <serial/output_drain.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <initializer_list>
#include <string>

namespace {

using serial::CharRing;
using serial::Multiplexer;
using serial::OutputDrain;
using Partial = serial::OutputDrain::Partial;

struct Screen final : serial::Terminal {
    std::string text;
    void write(std::span<const char> bytes) override { text.append(bytes.data(), bytes.size()); }
};

// A console with up to three clients, each with an output ring.
struct Console {
    explicit Console(std::initializer_list<std::string_view> names) {
        for (const std::string_view n : names)
            (void)mux.add_client(n);
    }
    uint32_t drain(uint32_t which, Partial partial = Partial::Write) {
        return OutputDrain::drain({rings.data(), mux.clients()}, mux, which, partial);
    }
    Screen screen;
    Multiplexer mux{screen};
    alignas(8) std::array<std::array<std::byte, CharRing::kPageBytes>, 3> page{};
    std::array<CharRing, 3> rings{CharRing(page[0]), CharRing(page[1]), CharRing(page[2])};
};

TEST(OutputDrain, WokenClientsAreTheOnesWhoseBitsArrived) {
    const std::array<uint64_t, 4> bits{1u << 3, 0, 1u << 5, 1u << 6};
    EXPECT_EQ(OutputDrain::woken(bits, (1u << 3) | (1u << 6) | 1u), 0b1001u);
    EXPECT_EQ(OutputDrain::woken(bits, 0), 0u);
    EXPECT_EQ(OutputDrain::woken(bits, ~uint64_t{0}), 0b1101u); // client 1 never wakes
}

TEST(OutputDrain, AFloodersFullRingDoesNotHoldAnotherLineBack) {
    Console c{"flood", "quiet"};
    std::string flood;
    for (int i = 0; flood.size() + 16 < CharRing::kCapacity; ++i)
        flood += "flood line " + std::to_string(i % 10) + "\n";
    ASSERT_EQ(c.rings[0].write(flood), flood.size());
    ASSERT_EQ(c.rings[1].write(std::string_view("quiet line\n")), 11u);
    EXPECT_EQ(c.drain(0b11u), 0u);
    // Everything arrived, line by line, named...
    std::string expected_flood;
    std::size_t lines = 0;
    for (std::size_t at = 0; at < flood.size(); ++lines) {
        const std::size_t nl = flood.find('\n', at);
        expected_flood += "[flood] " + flood.substr(at, nl - at) + "\r\n";
        at = nl + 1;
    }
    const std::string& text = c.screen.text;
    EXPECT_EQ(text.size(), expected_flood.size() + std::strlen("[quiet] quiet line\r\n"));
    // ... and the quiet client's line came out in the first turn, before the flooder's
    // first staging buffer was written, not after its 4 KB.
    const std::size_t quiet = text.find("[quiet] quiet line\r\n");
    ASSERT_NE(quiet, std::string::npos);
    EXPECT_LT(quiet, Multiplexer::kStaging);
    EXPECT_GT(lines, 100u);
    std::string without = text;
    without.erase(quiet, std::strlen("[quiet] quiet line\r\n"));
    EXPECT_EQ(without, expected_flood);
}

TEST(OutputDrain, OnlyTheAskedClientsAreDrainedPromptsIncluded) {
    Console c{"a", "b"};
    ASSERT_EQ(c.rings[0].write(std::string_view("from a\n/ # ")), 11u);
    ASSERT_EQ(c.rings[1].write(std::string_view("from b\n")), 7u);
    EXPECT_EQ(c.drain(0b10u), 0u);
    EXPECT_EQ(c.screen.text, "[b] from b\r\n");
    EXPECT_EQ(c.rings[0].used(), 11u);
    // a's turn: its line, then its prompt without a newline (the ring is empty).
    EXPECT_EQ(c.drain(0b01u), 0u);
    EXPECT_EQ(c.screen.text, "[b] from b\r\n[a] from a\r\n[a] / # ");
    EXPECT_EQ(c.rings[0].used(), 0u);
}

// A guest's tty writes a line and its CR LF apart: a wake-up that brought the line holds it
// until the rest, so another client's line cannot cut it and it is named once.
TEST(OutputDrain, AWakeUpThatBroughtBytesHoldsTheUnfinishedLineForItsRest) {
    Console c{"a", "b"};
    ASSERT_EQ(c.rings[0].write(std::string_view("whole\nhalf of a ")), 16u);
    EXPECT_EQ(c.drain(0b01u, Partial::UnlessBytesCame), 0u);
    EXPECT_EQ(c.screen.text, "[a] whole\r\n");
    ASSERT_EQ(c.rings[1].write(std::string_view("b's line\n")), 9u);
    EXPECT_EQ(c.drain(0b10u, Partial::UnlessBytesCame), 0u);
    ASSERT_EQ(c.rings[0].write(std::string_view("line")), 4u);
    EXPECT_EQ(c.drain(0b01u, Partial::UnlessBytesCame), 0u);
    ASSERT_EQ(c.rings[0].write(std::string_view("\r\n")), 2u);
    EXPECT_EQ(c.drain(0b01u, Partial::UnlessBytesCame), 0u);
    // a's line is whole and named once: b's line did not cut into it.
    EXPECT_EQ(c.screen.text, "[a] whole\r\n[b] b's line\r\n[a] half of a line\r\n");
}

// A prompt: held by the wake-up that brought it, written by the next one, which finds the
// ring empty (the VMM's, when its guest waits), or at once by a batch() call.
TEST(OutputDrain, APromptIsWrittenByAWakeUpThatFindsTheRingEmptyOrByACall) {
    Console c{"a", "b"};
    ASSERT_EQ(c.rings[0].write(std::string_view("out\n/ # ")), 8u);
    EXPECT_EQ(c.drain(0b01u, Partial::UnlessBytesCame), 0u);
    EXPECT_EQ(c.screen.text, "[a] out\r\n");
    EXPECT_EQ(c.drain(0b01u, Partial::UnlessBytesCame), 0u);
    EXPECT_EQ(c.screen.text, "[a] out\r\n[a] / # ");
    ASSERT_EQ(c.rings[1].write(std::string_view("$ ")), 2u);
    EXPECT_EQ(c.drain(0b10u, Partial::Write), 0u);
    EXPECT_EQ(c.screen.text, "[a] out\r\n[a] / # \r\n[b] $ ");
}

// However long the held line grows, it waits only while it fits the staging buffer: a
// full one is written as a line of its own (split, nothing lost).
TEST(OutputDrain, AHeldLineThatFillsTheStagingIsWritten) {
    Console c{"a"};
    const std::string long_line(Multiplexer::kStaging + 10, 'x');
    ASSERT_EQ(c.rings[0].write(long_line), long_line.size());
    EXPECT_EQ(c.drain(1u, Partial::UnlessBytesCame), 0u);
    EXPECT_EQ(c.screen.text, std::string(Multiplexer::kStaging, 'x'));
    EXPECT_EQ(c.mux.staged(0), 10u);
}

TEST(OutputDrain, ABrokenRingIsReportedAndTheOthersStillDrain) {
    Console c{"bad", "good"};
    const uint32_t head = 5000; // outside the ring
    std::memcpy(c.page[0].data(), &head, sizeof head);
    ASSERT_EQ(c.rings[1].write(std::string_view("fine\n")), 5u);
    EXPECT_EQ(c.drain(0b11u), 0b01u);
    EXPECT_EQ(c.screen.text, "[good] fine\r\n");
}

TEST(OutputDrain, AClientWithoutARingIsSkipped) {
    Console c{"putchar-only"};
    c.rings[0] = CharRing();
    EXPECT_EQ(c.drain(1u), 0u);
    EXPECT_EQ(c.screen.text, "");
}

} // namespace
