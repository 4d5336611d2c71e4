// The debug writer: characters are buffered and sent with DebugWrite, 56 bytes per call,
// each piece of a longer line marked kDebugWriteMore: the kernel holds those for the
// thread and writes the line whole with its last piece (the one with the newline), so no
// other thread's or core's output splits it (up to call_abi::kDebugLineMax bytes). The
// buffer here is per domain: threads of one domain that print concurrently should each
// finish their line before the next one starts.
#include "runtime/debug_print.hpp"

#include "runtime/kernel_call.hpp"

namespace runtime {
namespace {

// One DebugWrite call: at most kDebugWriteMax bytes, in x1..x7.
void send_piece(std::span<const char> piece, bool more) {
    uint64_t words[7] = {};
    for (std::size_t i = 0; i < piece.size(); ++i)
        words[i / 8] |= uint64_t{static_cast<uint8_t>(piece[i])} << (8 * (i % 8));
    register uint64_t x0 asm("x0") = piece.size() | (more ? call_abi::kDebugWriteMore : 0);
    register uint64_t x1 asm("x1") = words[0];
    register uint64_t x2 asm("x2") = words[1];
    register uint64_t x3 asm("x3") = words[2];
    register uint64_t x4 asm("x4") = words[3];
    register uint64_t x5 asm("x5") = words[4];
    register uint64_t x6 asm("x6") = words[5];
    register uint64_t x7 asm("x7") = words[6];
    register uint64_t x8 asm("x8") = static_cast<uint64_t>(call_abi::Call::DebugWrite);
    asm volatile("svc #0"
                 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x6), "+r"(x7)
                 : "r"(x8)
                 : "memory");
}

char g_line[call_abi::kDebugWriteMax];
unsigned g_used = 0;
bool g_holding = false; // the kernel holds pieces of this line (sent with kDebugWriteMore)

void flush(bool more) {
    send_piece({g_line, g_used}, more);
    g_used = 0;
    g_holding = more;
}

void put(char c) {
    g_line[g_used++] = c;
    if (c == '\n') {
        flush(false);
    } else if (g_used == sizeof g_line) {
        flush(true);
    }
}

base::TextWriter g_out(put);

} // namespace

void debug_write(std::span<const char> bytes) {
    for (const char c : bytes)
        put(c);
}

void debug_flush() {
    if (g_used != 0 || g_holding) flush(false);
}

base::TextWriter& out() {
    return g_out;
}

} // namespace runtime
