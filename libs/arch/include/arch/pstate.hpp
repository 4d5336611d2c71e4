// PSTATE as saved in SPSR_ELx (AArch64 state): the mode field and the DAIF masks a vCPU
// starts with or an injected exception sets. Arm ARM (DDI 0487) C5.2.19 SPSR_EL2.
#pragma once

#include <cstdint>

namespace arm::pstate {

inline constexpr uint64_t kModeMask = 0xf;             // M[3:0]: EL [3:2], SP select [0]
inline constexpr uint64_t kAarch32 = uint64_t{1} << 4; // M[4] (nRW): an AArch32 mode
inline constexpr uint64_t kEl0t = 0x0;
inline constexpr uint64_t kEl1t = 0x4; // EL1 with SP_EL0
inline constexpr uint64_t kEl1h = 0x5; // EL1 with SP_EL1
inline constexpr uint64_t kF = uint64_t{1} << 6;
inline constexpr uint64_t kI = uint64_t{1} << 7;
inline constexpr uint64_t kA = uint64_t{1} << 8;
inline constexpr uint64_t kD = uint64_t{1} << 9;
inline constexpr uint64_t kDaif = kD | kA | kI | kF;
// Where a vCPU starts and an exception to EL1 lands: EL1h, everything masked.
inline constexpr uint64_t kEl1hMasked = kEl1h | kDaif;

// The exception level of an AArch64 mode.
constexpr unsigned exception_level(uint64_t spsr) {
    return static_cast<unsigned>((spsr >> 2) & 3);
}
// M[0]: the mode uses SP_ELx of its own level (the "h" modes), not SP_EL0.
constexpr bool uses_sp_elx(uint64_t spsr) {
    return (spsr & 1) != 0;
}

} // namespace arm::pstate
