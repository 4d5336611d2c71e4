// HCR_EL2 bits, named once for the kernel's guest and native-thread settings.
// Arm ARM (DDI 0487) D17.2.48 HCR_EL2.
#pragma once

#include <cstdint>

namespace arm::hcr {

inline constexpr uint64_t kVm = uint64_t{1} << 0;   // stage-2 translation on
inline constexpr uint64_t kSwio = uint64_t{1} << 1; // set/way invalidate acts as clean+invalidate
inline constexpr uint64_t kFmo = uint64_t{1} << 3;  // physical FIQ to EL2, virtual FIQ to EL1
inline constexpr uint64_t kImo = uint64_t{1} << 4;  // physical IRQ to EL2, virtual IRQ to EL1
inline constexpr uint64_t kAmo = uint64_t{1} << 5;  // physical SError to EL2, virtual to EL1
inline constexpr uint64_t kDc = uint64_t{1} << 12;  // EL1&0 stage 1 off: Normal write-back
inline constexpr uint64_t kTwi = uint64_t{1} << 13; // trap WFI
inline constexpr uint64_t kTwe = uint64_t{1} << 14; // trap WFE
inline constexpr uint64_t kTsc = uint64_t{1} << 19; // trap SMC
inline constexpr uint64_t kTge = uint64_t{1} << 27; // EL0 exceptions go to EL2 (host EL0)
inline constexpr uint64_t kRw = uint64_t{1} << 31;  // EL1 is AArch64

} // namespace arm::hcr
