// kernel_mapping_move: slots and addresses shared by the system and its component.
#pragma once

#include <cstdint>

namespace mapping_move_test {
// The component's roles (thread argument).
enum Role : unsigned long { Mover = 1, Supervisor = 2 };
// Two movable mappings share one 64 KiB window of the mover's address space.
inline constexpr uint64_t kWindowBase = 0x20000000;
inline constexpr uint64_t kWindowSize = 0x10000;
inline constexpr uint64_t kSharedSize = 0x2000; // "shared": two pages, filled at boot
inline constexpr uint64_t kOtherSize = 0x1000;  // "other": one page
inline constexpr uint64_t kPeerAt = 0x30000000; // where the peer maps "shared" (fixed)
inline constexpr char kBootText[] = "frames filled at boot";
// mover slots
inline constexpr unsigned kSharedMappingSlot = 1;
inline constexpr unsigned kOtherMappingSlot = 2;
inline constexpr unsigned kPeerWakeSlot = 3; // signals the supervisor to check the peer view
// supervisor slots (it also maps "shared" fixed at kPeerAt: what the mover wrote shows)
inline constexpr unsigned kFaultSlot = 1;
inline constexpr unsigned kPowerSlot = 2;
inline constexpr unsigned kWakeSlot = 3;
} // namespace mapping_move_test
