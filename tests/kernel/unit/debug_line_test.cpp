// A thread's unfinished debug-console line (kernel/src/debug_line.*): pieces marked "more"
// are held and written with the piece that ends the line; a line longer than the buffer is
// split, never cut.
#include "debug_line.hpp"

#include <gtest/gtest.h>

#include <string>

namespace kernel {
namespace {

std::string g_written;
void sink(char c) {
    g_written += c;
}

TEST(DebugLine, PiecesMarkedMoreAreWrittenWithTheLastOne) {
    g_written.clear();
    DebugLine line;
    line.write(std::string_view("first piece, "), true, sink);
    line.write(std::string_view("second, "), true, sink);
    EXPECT_EQ(g_written, "");
    EXPECT_EQ(line.held(), 21u);
    line.write(std::string_view("end\r\n"), false, sink);
    EXPECT_EQ(g_written, "first piece, second, end\r\n");
    EXPECT_EQ(line.held(), 0u);
}

TEST(DebugLine, ALineLongerThanTheBufferIsSplitNotCut) {
    g_written.clear();
    DebugLine line;
    const std::string piece(call_abi::kDebugWriteMax, 'x');
    std::string sent;
    for (int i = 0; i < 6; ++i) { // 336 bytes: more than the 256 held
        line.write(piece, true, sink);
        sent += piece;
    }
    EXPECT_EQ(g_written.size(), call_abi::kDebugLineMax);
    line.write(std::string_view("\n"), false, sink);
    EXPECT_EQ(g_written, sent + "\n");
}

TEST(DebugLine, FlushWritesWhatIsHeld) {
    g_written.clear();
    DebugLine line;
    line.write(std::string_view("prompt> "), true, sink);
    line.flush(sink);
    EXPECT_EQ(g_written, "prompt> ");
    EXPECT_EQ(line.held(), 0u);
}

} // namespace
} // namespace kernel
