// Capability slots and guest constants of the kernel_vcpu test (VMM component and
// its system program).
#pragma once

#include <cstdint>

namespace vcpu_test {
inline constexpr unsigned kExitSlot = 1;
inline constexpr unsigned kVcpuSlot = 2;
inline constexpr unsigned kPowerSlot = 3;
inline constexpr unsigned kSecondVcpuSlot = 4; // with kTwoVcpus
inline constexpr uint64_t kFirstBadge = 7;     // vCPU i exits with badge 7 + i
// The VMM's argument (the guest's x0 is kBench or 0).
inline constexpr uint64_t kBench = 1;
inline constexpr uint64_t kTwoVcpus = 2;
inline constexpr uint64_t kStay = 4; // passed: say so and exit, leave the power to others
inline constexpr uint64_t kGuestBase = 0x40000000;
inline constexpr uint64_t kGuestGicc = 0x08010000;
inline constexpr uint64_t kDevice = 0x10000000; // no stage-2 mapping: MMIO exits
} // namespace vcpu_test
