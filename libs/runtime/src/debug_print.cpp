// The debug writer: one DebugPutChar call per character.
#include "runtime/debug_print.hpp"

#include "runtime/kernel_call.hpp"

namespace runtime {
namespace {
void put(char c) { kernel_call(call_abi::Call::DebugPutChar, static_cast<uint8_t>(c)); }
base::TextWriter g_out(put);
} // namespace

base::TextWriter& out() { return g_out; }

} // namespace runtime
