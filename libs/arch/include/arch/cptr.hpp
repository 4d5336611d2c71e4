// FP/SIMD trap controls: CPTR_EL2 (E2H = 0 layout) and CPACR_EL1.
// Arm ARM (DDI 0487) D17.2.31 CPTR_EL2, D17.2.30 CPACR_EL1.
#pragma once

#include <cstdint>

namespace arm::cptr {

inline constexpr uint64_t kRes1 = 0x33ff;           // bits 13:12 and 9:0 (no SVE)
inline constexpr uint64_t kTfp = uint64_t{1} << 10; // trap FP/SIMD to EL2

} // namespace arm::cptr

namespace arm::cpacr {

// FPEN = 0b11: EL1/EL0 FP/SIMD not trapped at EL1, so only CPTR_EL2 decides.
inline constexpr uint64_t kFpenNoTrap = uint64_t{3} << 20;

} // namespace arm::cpacr
