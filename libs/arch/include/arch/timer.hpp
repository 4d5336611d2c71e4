// CNTHCTL_EL2 (E2H = 0): which EL1/EL0 accesses to the physical counter and timer trap.
// Arm ARM (DDI 0487) D17.8.1 CNTHCTL_EL2.
#pragma once

#include <cstdint>

namespace arm::cnthctl {

inline constexpr uint64_t kEl1pcten = uint64_t{1} << 0; // physical counter: not trapped
inline constexpr uint64_t kEl1pcen = uint64_t{1} << 1;  // EL1 physical timer: not trapped

} // namespace arm::cnthctl
