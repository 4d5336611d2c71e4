// PL011 polled transmitter behind the kernel's debug log.
#include "console.hpp"

#include "sysreg.hpp"

namespace kernel::console {
namespace {

constexpr uint64_t kDataRegister = 0x00;
constexpr uint64_t kFlagRegister = 0x18;
constexpr uint32_t kTransmitFifoFull = 1u << 5;

[[maybe_unused]] uint64_t g_base = 0;

void sink(char c) {
#if !defined(BULKHEAD_RELEASE)
    if (g_base == 0) return;
    while ((arch::mmio_read<uint32_t>(g_base + kFlagRegister) & kTransmitFifoFull) != 0) {
    }
    arch::mmio_write<uint32_t>(g_base + kDataRegister, static_cast<uint8_t>(c));
#else
    (void)c;
#endif
}

base::TextWriter g_writer(sink);

} // namespace

void init(uint64_t pl011_base) {
#if !defined(BULKHEAD_RELEASE)
    g_base = pl011_base;
#else
    (void)pl011_base;
#endif
}

void put(char c) {
    sink(c);
}

base::TextWriter& out() {
    return g_writer;
}

} // namespace kernel::console
