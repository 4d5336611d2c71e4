// The kernel's debug console: a PL011 transmitter, polled. Debug builds only; in
// release builds every call compiles to nothing. The kernel never enables UART
// interrupts or reads its receiver, so a component may own RX through an IRQ handler.
#pragma once

#include <base/text_writer.hpp>

#include <cstdint>

namespace kernel::console {

void init(uint64_t pl011_base);
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
