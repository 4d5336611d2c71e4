// The SerialServer's core: whole lines per client, names when several clients talk,
// round-robin fairness, back-pressure instead of loss, input routing and its announcements.
#include <serial/multiplexer.hpp>

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace {

using serial::Multiplexer;

struct Screen final : serial::Terminal {
    std::string text;
    void write(std::span<const char> bytes) override { text.append(bytes.data(), bytes.size()); }
};

struct Inputs final : serial::InputSink {
    std::map<unsigned, std::string> got;
    std::size_t room = 1000;
    bool deliver(unsigned client, char byte) override {
        if (room == 0) return false;
        --room;
        got[client] += byte;
        return true;
    }
};

// Feeds everything, pumping whenever the staging buffer is full (what the server does).
void feed_all(Multiplexer& m, unsigned client, std::string_view text) {
    while (!text.empty()) {
        const std::size_t n = m.feed(client, {text.data(), text.size()});
        text.remove_prefix(n);
        m.pump();
    }
}

TEST(Multiplexer, OneClientGetsNoPrefixAndCrLf) {
    Screen screen;
    Multiplexer m(screen);
    ASSERT_EQ(m.add_client("vm0"), 0U);
    feed_all(m, 0, "hello\nworld\r\n/ # ");
    EXPECT_EQ(screen.text, "hello\r\nworld\r\n");
    m.flush_partial(0);
    EXPECT_EQ(screen.text, "hello\r\nworld\r\n/ # ");
    // The echo of a typed key continues the prompt's line.
    feed_all(m, 0, "l");
    m.flush_partial(0);
    EXPECT_EQ(screen.text, "hello\r\nworld\r\n/ # l");
}

TEST(Multiplexer, LinesAreWholeAndNamedWhenSeveralClientsTalk) {
    Screen screen;
    Multiplexer m(screen);
    (void)m.add_client("vm0");
    (void)m.add_client("vm1");
    m.feed(0, std::string_view("first half "));
    m.feed(1, std::string_view("other line\n"));
    m.pump();
    m.feed(0, std::string_view("second half\n"));
    m.pump();
    EXPECT_EQ(screen.text, "[vm1] other line\r\n[vm0] first half second half\r\n");
}

// With several clients every line is named, the very first one too: which VM wrote a line
// never depends on whether the others have spoken yet (vm_multi's consoles).
TEST(Multiplexer, TheFirstLineIsNamedWhenThereAreSeveralClients) {
    Screen screen;
    Multiplexer m(screen);
    (void)m.add_client("vm0");
    (void)m.add_client("vm1");
    m.feed(1, std::string_view("booting\n"));
    m.pump();
    EXPECT_EQ(screen.text, "[vm1] booting\r\n");
}

TEST(Multiplexer, AFloodingClientCannotStarveAnother) {
    Screen screen;
    Multiplexer m(screen);
    (void)m.add_client("flood");
    (void)m.add_client("quiet");
    std::string flood;
    for (int i = 0; i < 40; ++i)
        flood += "xxxxxxxxxxxx\n";
    // The flooder fills its staging buffer first, then the quiet one says one line.
    const std::size_t taken = m.feed(0, {flood.data(), flood.size()});
    EXPECT_EQ(taken, Multiplexer::kStaging); // the rest stays with the client
    m.feed(1, std::string_view("hello\n"));
    m.pump();
    const std::size_t quiet = screen.text.find("[quiet] hello\r\n");
    ASSERT_NE(quiet, std::string::npos);
    // At most one of the flooder's lines went out before it.
    std::size_t flood_lines = 0;
    for (std::size_t at = screen.text.find("[flood]"); at < quiet;
         at = screen.text.find("[flood]", at + 1))
        ++flood_lines;
    EXPECT_LE(flood_lines, 1U);
}

TEST(Multiplexer, NothingIsLostUnderBackPressure) {
    Screen screen;
    Multiplexer m(screen);
    (void)m.add_client("a");
    std::string sent;
    for (int i = 0; i < 5000; ++i)
        sent += static_cast<char>('!' + i % 90);
    sent += '\n';
    feed_all(m, 0, sent);
    // Lines longer than the staging buffer are split, never shortened.
    std::string got;
    for (char c : screen.text)
        if (c != '\r' && c != '\n') got += c;
    EXPECT_EQ(got + "\n", sent);
}

TEST(Multiplexer, APartialLineOfAnotherClientIsBrokenNotMixed) {
    Screen screen;
    Multiplexer m(screen);
    (void)m.add_client("vm0");
    (void)m.add_client("vm1");
    m.feed(0, std::string_view("# "));
    m.feed(1, std::string_view("x"));
    m.flush_partial(0);
    m.flush_partial(1);
    EXPECT_EQ(screen.text, "[vm0] # \r\n[vm1] x");
}

TEST(Multiplexer, InputGoesToOneClientAndSwitchesAreAnnounced) {
    Screen screen;
    Multiplexer m(screen);
    (void)m.add_client("vm0");
    (void)m.add_client("vm1");
    Inputs inputs;
    for (char c : std::string("ls\r@1pwd\r@9@?@x"))
        m.input(c, inputs);
    EXPECT_EQ(inputs.got[0], "ls\r");
    EXPECT_EQ(inputs.got[1], "pwd\r");
    EXPECT_EQ(m.input_client(), 1U);
    EXPECT_NE(screen.text.find("serial: input goes to vm1 (@1)"), std::string::npos);
    EXPECT_NE(screen.text.find("serial: no client 9"), std::string::npos);
    EXPECT_NE(screen.text.find("  @1 vm1 (input)"), std::string::npos);
    EXPECT_NE(screen.text.find("serial: unknown command @x"), std::string::npos);
}

TEST(Multiplexer, InputWaitsWhileTheClientHasNoRoom) {
    Screen screen;
    Multiplexer m(screen);
    (void)m.add_client("vm0");
    Inputs inputs;
    inputs.room = 2;
    for (char c : std::string("abcdef"))
        if (m.can_take_input()) m.input(c, inputs);
    EXPECT_EQ(inputs.got[0], "ab");
    EXPECT_FALSE(m.retry_input(inputs));
    inputs.room = 100;
    EXPECT_TRUE(m.retry_input(inputs));
    EXPECT_EQ(inputs.got[0], "abcdef");
}

TEST(Multiplexer, TheClientTableIsBounded) {
    Screen screen;
    Multiplexer m(screen);
    for (unsigned i = 0; i < Multiplexer::kMaxClients; ++i)
        EXPECT_EQ(m.add_client("c"), i);
    EXPECT_EQ(m.add_client("one too many"), std::nullopt);
    EXPECT_EQ(m.feed(99, std::string_view("x")), 0U);
}

} // namespace
