// The kernel's debug console: the board's UART (PL011, NS16550 or Cadence, as the boot
// info says), transmit only, polled. Debug builds only; in release builds every call
// compiles to nothing. The kernel never enables UART
// interrupts or reads its receiver, so a component may own RX through an IRQ handler.
#pragma once

#include <base/text_writer.hpp>
#include <spec/boot_info.hpp>

#include <cstdint>

namespace kernel::console {

// A kind without a driver, or base 0, leaves the console silent.
void init(spec::ConsoleKind kind, uint64_t base, uint32_t reg_shift);
void put(char c);
base::TextWriter& out();

} // namespace kernel::console

namespace kernel {
using base::Dec;
using base::Hex;
#if defined(BULKHEAD_RELEASE)
// Release builds: every log statement, strings included, compiles away.
struct NullLog {
    template <class T> constexpr const NullLog& operator<<(const T&) const { return *this; }
};
inline constexpr NullLog log() {
    return {};
}
#else
inline base::TextWriter& log() {
    return console::out();
}
#endif
} // namespace kernel
