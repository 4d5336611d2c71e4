// Kernel benchmark: slots, roles and constants shared by the system and components.
#pragma once

namespace kernel_bench {
// client domain: the IPC client and the notification signaller
inline constexpr unsigned kCallSlot = 1;
inline constexpr unsigned kSignalSlot = 2;
inline constexpr unsigned kCrossCallSlot = 3; // the endpoint of the server on core 1
// server domain: the IPC server and the notification waiter
inline constexpr unsigned kServeSlot = 1;
inline constexpr unsigned kWaitSlot = 2;
inline constexpr unsigned kPowerSlot = 3;
inline constexpr unsigned kCrossServeSlot = 4;
enum Role : unsigned long {
    Client = 0,
    Signaller = 1,
    Server = 2,
    Waiter = 3,
    CrossClient = 4, // core 0, after the others: the cross-core round trip
    CrossServer = 5, // core 1
};
inline constexpr unsigned long kStop = 1; // MR5 of the cross client's last call: power off
inline constexpr unsigned long kSharedIpa = 0x10000000; // signaller's timestamp
inline constexpr unsigned kSamples = 1000;
inline constexpr unsigned kWarmup = 16;
} // namespace kernel_bench
