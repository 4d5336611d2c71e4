// Cadence UART transmit path (ZynqMP's UARTs): the transmitter is enabled once (the
// control register's TX enable set, TX disable cleared; a boot loader may have left it
// off, as QEMU's reset does), then each byte waits while the channel status says the TX
// FIFO is full and goes into the FIFO register. Receive and line settings are left alone.
#pragma once

#include <cstdint>

namespace kernel::console::cadence {

inline constexpr uint32_t kControl = 0x00;
inline constexpr uint32_t kChannelStatus = 0x2c;
inline constexpr uint32_t kFifo = 0x30;
inline constexpr uint32_t kControlTxEnable = 1u << 4;
inline constexpr uint32_t kControlTxDisable = 1u << 5;
inline constexpr uint32_t kStatusTxFull = 1u << 4;

template <class Io> void init(Io& io) {
    const uint32_t control = io.read32(kControl);
    io.write32(kControl, (control & ~kControlTxDisable) | kControlTxEnable);
}

template <class Io> void put(Io& io, char c) {
    while ((io.read32(kChannelStatus) & kStatusTxFull) != 0) {
    }
    io.write32(kFifo, static_cast<uint8_t>(c));
}

} // namespace kernel::console::cadence
