// kernel_preemption: slots and addresses shared by the system and components.
#pragma once

namespace preemption_test {
inline constexpr unsigned kNotificationSlot = 1; // high: its timer's notification
inline constexpr unsigned kIrqSlot = 2;          // high: the EL1 physical timer IRQ
inline constexpr unsigned kPowerSlot = 3;
inline constexpr unsigned long kCountersIpa = 0x10000000; // spinners: RW, high: R
inline constexpr unsigned kTicks = 10;
inline constexpr unsigned kFpErrorSlot = 2; // counters[2]: a spinner saw its FP state change
inline constexpr unsigned kTickHz = 50;
} // namespace preemption_test
