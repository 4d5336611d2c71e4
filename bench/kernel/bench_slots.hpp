// Kernel benchmark: slots, roles and constants shared by the system and components.
#pragma once

namespace kernel_bench {
// client domain: the IPC client and the notification signaller
inline constexpr unsigned kCallSlot = 1;
inline constexpr unsigned kSignalSlot = 2;
// server domain: the IPC server and the notification waiter
inline constexpr unsigned kServeSlot = 1;
inline constexpr unsigned kWaitSlot = 2;
inline constexpr unsigned kPowerSlot = 3;
enum Role : unsigned long { Client = 0, Signaller = 1, Server = 2, Waiter = 3 };
inline constexpr unsigned long kSharedIpa = 0x10000000; // signaller's timestamp
inline constexpr unsigned kSamples = 1000;
inline constexpr unsigned kWarmup = 16;
} // namespace kernel_bench
