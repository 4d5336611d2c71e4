// kernel_thread_control: slots, roles and the shared page layout.
#pragma once

namespace thread_control_test {
// controller domain
inline constexpr unsigned kWorkerSlot = 1;  // thread cap
inline constexpr unsigned kFaulterSlot = 2; // thread cap
inline constexpr unsigned kFaultSlot = 3;   // fault endpoint, receive
inline constexpr unsigned kDoneSlot = 4;    // notification, wait
inline constexpr unsigned kPowerSlot = 5;
// worker domain
inline constexpr unsigned kSignalDoneSlot = 1;
// roles (thread argument) in the worker domain
enum Role : unsigned long { Worker = 0, Faulter = 1, YielderA = 2, YielderB = 3 };
inline constexpr unsigned long kSharedIpa = 0x10000000;
// shared page: [0] worker count, [1] last yielder, [2] switches, [3] yielders done,
// [4] constructor runs in the worker domain
inline constexpr unsigned kYields = 1000;
} // namespace thread_control_test
