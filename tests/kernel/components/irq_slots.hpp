// kernel_irq_uart: slots and addresses shared by the system and the component.
#pragma once

namespace irq_test {
inline constexpr unsigned kNotificationSlot = 1;
inline constexpr unsigned kIrqSlot = 2;
inline constexpr unsigned kPowerSlot = 3;
inline constexpr unsigned long kUartIpa = 0x9000000; // where the driver sees the PL011
inline constexpr unsigned kLines = 2;                // the second proves ack re-arms
} // namespace irq_test
