// The SerialServer's console output: in debug builds through the kernel's debug console
// rather than the UART's registers, so that a line the server writes and a log line
// another core prints at the same moment (the kernel's, a VMM's) never mix: the kernel
// holds the server's pieces until the line's newline and writes the line whole under its
// lock (call_abi::kDebugWriteMore, docs/SERIAL.md). Release kernels print nothing of
// their own, so there the server writes the UART itself.
#pragma once

#include <serial/multiplexer.hpp>

#include <runtime/debug_print.hpp>

#include <spec/call_abi.hpp>

#include <cstddef>
#include <span>

namespace serial_server {

class KernelConsole final : public serial::Terminal {
public:
    explicit KernelConsole(serial::Terminal& uart) : uart_(uart) {}

    // The Multiplexer writes a line in several calls (its name, its text, CR LF): they are
    // gathered into pieces; a piece goes to the kernel when full or at a newline.
    void write(std::span<const char> bytes) override {
#if defined(BULKHEAD_RELEASE)
        uart_.write(bytes);
#else
        for (const char c : bytes) {
            piece_[used_++] = c;
            if (c == '\n') {
                send(false);
            } else if (used_ == sizeof piece_) {
                send(true);
            }
        }
#endif
    }

    // The end of the server's turn: an unfinished line (a prompt, an echoed key) goes out.
    void flush() {
        if (used_ != 0 || holding_) send(false);
    }

private:
    void send(bool more) {
        runtime::debug_write({piece_, used_}, more);
        used_ = 0;
        holding_ = more;
    }

    [[maybe_unused]] serial::Terminal& uart_;
    char piece_[call_abi::kDebugWriteMax] = {};
    std::size_t used_ = 0;
    bool holding_ = false; // the kernel holds part of the line
};

} // namespace serial_server
