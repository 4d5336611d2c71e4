// i.MX UART transmit path (fsl,imx21-uart and its i.MX6/7/8 descendants, e.g. the
// i.MX8MM's UARTs): the UART and its transmitter are enabled once (UCR1.UARTEN,
// UCR2.TXEN; U-Boot leaves them on, a UART nobody used has them off), then each byte
// waits while the test register says the TX FIFO is full and goes into UTXD. Baud rate,
// line format and the receiver are left as the boot loader set them.
#pragma once

#include <cstdint>

namespace kernel::console::imx {

inline constexpr uint32_t kRxData = 0x00;   // URXD
inline constexpr uint32_t kTxData = 0x40;   // UTXD
inline constexpr uint32_t kControl1 = 0x80; // UCR1
inline constexpr uint32_t kControl2 = 0x84; // UCR2
inline constexpr uint32_t kControl3 = 0x88; // UCR3
inline constexpr uint32_t kControl4 = 0x8c; // UCR4
inline constexpr uint32_t kStatus1 = 0x94;  // USR1
inline constexpr uint32_t kStatus2 = 0x98;  // USR2
inline constexpr uint32_t kTest = 0xb4;     // UTS
inline constexpr uint32_t kControl1UartEnable = 1u << 0;
// UCR2.SRST is active low: it reads 1 when the UART is out of reset and must be written 1.
inline constexpr uint32_t kControl2NotReset = 1u << 0;
inline constexpr uint32_t kControl2TxEnable = 1u << 2;
inline constexpr uint32_t kTestTxFull = 1u << 4;

template <class Io> void init(Io& io) {
    const uint32_t control1 = io.read32(kControl1);
    if ((control1 & kControl1UartEnable) == 0)
        io.write32(kControl1, control1 | kControl1UartEnable);
    const uint32_t control2 = io.read32(kControl2);
    const uint32_t wanted = control2 | kControl2NotReset | kControl2TxEnable;
    if (wanted != control2) io.write32(kControl2, wanted);
}

template <class Io> void put(Io& io, char c) {
    while ((io.read32(kTest) & kTestTxFull) != 0) {
    }
    io.write32(kTxData, static_cast<uint8_t>(c));
}

} // namespace kernel::console::imx
