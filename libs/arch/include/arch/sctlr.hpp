// SCTLR_EL1 and SCTLR_EL2 bits and RES1 patterns (ARMv8.0): the EL1 value a vCPU starts
// with and the EL2 MMU/cache enables. Arm ARM (DDI 0487) D17.2.118, D17.2.119.
#pragma once

#include <cstdint>

namespace arm::sctlr {

inline constexpr uint64_t kM = uint64_t{1} << 0;    // stage-1 MMU on
inline constexpr uint64_t kA = uint64_t{1} << 1;    // alignment checks
inline constexpr uint64_t kC = uint64_t{1} << 2;    // data cacheable
inline constexpr uint64_t kSa = uint64_t{1} << 3;   // SP alignment check
inline constexpr uint64_t kI = uint64_t{1} << 12;   // instruction cacheable
inline constexpr uint64_t kE0e = uint64_t{1} << 24; // EL0 data big-endian (SCTLR_EL1)

// The RES1 bits only (29, 28, 23, 22, 20, 11): MMU, caches and alignment checks off, which
// is what a kernel expects at its entry point; also the reset value of a vCPU.
inline constexpr uint64_t kEl1Res1 = 0x30d00800;
// SCTLR_EL2 (E2H = 0) RES1 bits: 29, 28, 23, 22, 18, 16, 11, 5, 4.
inline constexpr uint64_t kEl2Res1 = 0x30c50830;

} // namespace arm::sctlr
