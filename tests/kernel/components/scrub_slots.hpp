// The kernel_ram_scrub test's shared constants: where its RAM regions sit and where its
// two domains see them (shared with the host program that builds the system).
#pragma once

#include <cstdint>

namespace scrub_test {
inline constexpr uint64_t kLazyPhys = 0x48000000; // 8 MiB, zeroed on first touch
inline constexpr uint64_t kLazySize = 0x800000;
inline constexpr uint64_t kEagerPhys = 0x48800000; // 64 KiB, zeroed at boot
inline constexpr uint64_t kEagerSize = 0x10000;
// QEMU fills [kLazyPhys, kEagerPhys + kEagerSize) with junk before the kernel starts.

inline constexpr uint64_t kFirstLazyAt = 0x20000000; // 2 MiB blocks in the first domain
inline constexpr uint64_t kFirstEagerAt = 0x21000000;
inline constexpr uint64_t kSecondLazyAt = 0x30001000;         // 4 KiB pages in the second
inline constexpr uint64_t kPatternOffset = 0x200000 + 0x1238; // written by the first

enum Role : uint64_t { First = 1, Second = 2 };
inline constexpr unsigned kPowerSlot = 1;
} // namespace scrub_test
