// ARM PL011 transmit path (QEMU virt's UART): wait while the TX FIFO is full, then
// write the data register. `Io` gives read32/write32 at a byte offset from the base.
#pragma once

#include <cstdint>

namespace kernel::console::pl011 {

inline constexpr uint32_t kData = 0x00;
inline constexpr uint32_t kFlags = 0x18;
inline constexpr uint32_t kTxFifoFull = 1u << 5;

template <class Io> void put(Io& io, char c) {
    while ((io.read32(kFlags) & kTxFifoFull) != 0) {
    }
    io.write32(kData, static_cast<uint8_t>(c));
}

} // namespace kernel::console::pl011
