// NS16550/8250 transmit path (Tegra's UARTs): registers are 8-bit and indexed, register
// i at (i << shift) (Tegra: shift 2, one register per 32-bit word). Wait for the
// transmit holding register to empty (LSR.THRE), then write THR. The firmware has set
// the baud rate and line format; the kernel changes neither.
#pragma once

#include <cstdint>

namespace kernel::console::ns16550 {

inline constexpr uint32_t kThr = 0; // transmit holding register (write)
inline constexpr uint32_t kLsr = 5; // line status register
inline constexpr uint32_t kLsrThrEmpty = 1u << 5;

template <class Io> void put(Io& io, uint32_t shift, char c) {
    while ((io.read32(kLsr << shift) & kLsrThrEmpty) == 0) {
    }
    io.write32(kThr << shift, static_cast<uint8_t>(c));
}

} // namespace kernel::console::ns16550
