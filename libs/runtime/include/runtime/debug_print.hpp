// Debug output through the kernel's debug console call (debug builds only; in a
// release kernel the call fails and nothing is printed).
#pragma once

#include <base/text_writer.hpp>

#include <span>

namespace runtime {

using base::Dec;
using base::Hex;

base::TextWriter& out();

// out()'s line, for a writer of its own (the SerialServer's console): `bytes` join the
// calling thread's line, which the kernel writes whole at its newline (pieces of a longer
// line are held there: call_abi::kDebugWriteMore).
void debug_write(std::span<const char> bytes);
// The line so far, unfinished (a prompt): written now, what the kernel holds of it too.
void debug_flush();

} // namespace runtime
