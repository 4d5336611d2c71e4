// Debug output through the kernel's debug console call (debug builds only; in a
// release kernel the call fails and nothing is printed).
#pragma once

#include <base/text_writer.hpp>

#include <span>

namespace runtime {

using base::Dec;
using base::Hex;

base::TextWriter& out();

// The call itself, for a writer with its own buffering (the SerialServer's console):
// `bytes` in pieces of call_abi::kDebugWriteMax. With `more` the kernel holds them with
// the calling thread's unfinished line; the first call without it writes the line whole
// (call_abi::kDebugWriteMore). out() shares that line: finish one before using the other.
void debug_write(std::span<const char> bytes, bool more);
// Writes what the kernel holds of the calling thread's line (a prompt without newline).
inline void debug_flush() {
    debug_write({}, false);
}

} // namespace runtime
