// PSCI function IDs (Arm DEN 0022), named once for the kernel (which calls the firmware
// to start cores and power off) and the VMM (which answers a guest's calls).
#pragma once

#include <cstdint>

namespace arm::psci {

// SMC32 (0x84...) and SMC64 (0xC4...) forms.
inline constexpr uint32_t kVersion = 0x84000000;
inline constexpr uint32_t kCpuSuspend32 = 0x84000001;
inline constexpr uint32_t kCpuSuspend64 = 0xc4000001;
inline constexpr uint32_t kCpuOff = 0x84000002;
inline constexpr uint32_t kCpuOn32 = 0x84000003;
inline constexpr uint32_t kCpuOn64 = 0xc4000003;
inline constexpr uint32_t kAffinityInfo32 = 0x84000004;
inline constexpr uint32_t kAffinityInfo64 = 0xc4000004;
inline constexpr uint32_t kMigrateInfoType = 0x84000006;
inline constexpr uint32_t kSystemOff = 0x84000008;
inline constexpr uint32_t kSystemReset = 0x84000009;
inline constexpr uint32_t kFeatures = 0x8400000a;
// The function-ID ranges SMCCC gives PSCI (standard secure service, functions 0x00-0x1f).
inline constexpr uint32_t kFirst32 = 0x84000000;
inline constexpr uint32_t kLast32 = 0x8400001f;
inline constexpr uint32_t kFirst64 = 0xc4000000;
inline constexpr uint32_t kLast64 = 0xc400001f;

} // namespace arm::psci
