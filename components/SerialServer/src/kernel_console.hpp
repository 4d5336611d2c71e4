// The SerialServer's console output: in debug builds through the kernel's debug console
// rather than the UART's registers, so that a line the server writes and a log line
// another core prints at the same moment (the kernel's, a VMM's) never mix: the kernel
// holds the server's pieces until the line's newline and writes the line whole under its
// lock (call_abi::kDebugWriteMore, docs/SERIAL.md). Release kernels print nothing of
// their own, so there the server writes the UART itself.
#pragma once

#include <serial/multiplexer.hpp>

#include <runtime/debug_print.hpp>

#include <span>

namespace serial_server {

class KernelConsole final : public serial::Terminal {
public:
    explicit KernelConsole(serial::Terminal& uart) : uart_(uart) {}

    // The Multiplexer writes a line in several calls (its name, its text, CR LF): they join
    // one line in the runtime's debug writer, which the kernel writes at its newline.
    void write(std::span<const char> bytes) override {
#if defined(BULKHEAD_RELEASE)
        uart_.write(bytes);
#else
        runtime::debug_write(bytes);
#endif
    }

    // The end of the server's turn, or before its own out() line: an unfinished line (a
    // prompt, an echoed key) goes out.
    void flush() {
#if !defined(BULKHEAD_RELEASE)
        runtime::debug_flush();
#endif
    }

private:
    [[maybe_unused]] serial::Terminal& uart_;
};

} // namespace serial_server
