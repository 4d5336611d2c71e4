// MDCR_EL2 (Arm ARM D13.2): which debug and performance-monitor accesses from EL1 and EL0
// trap to EL2. The kernel keeps the debug hardware: a watchpoint a guest armed would also
// fire in native EL0 threads (they run with HCR_EL2.TGE, so their debug exceptions come to
// EL2), which is how a guest could stop its own VMM or any component sharing its core.
#pragma once

#include <cstdint>

namespace arm::mdcr {

inline constexpr uint64_t kHpmnMask = 0x1f;           // event counters EL1/EL0 may use (reset: all)
inline constexpr uint64_t kTpmcr = uint64_t{1} << 5;  // PMCR_EL0 accesses
inline constexpr uint64_t kTpm = uint64_t{1} << 6;    // every performance-monitor access
inline constexpr uint64_t kTda = uint64_t{1} << 9;    // breakpoints, watchpoints, MDSCR_EL1, ...
inline constexpr uint64_t kTdosa = uint64_t{1} << 10; // the OS lock and power-down registers
inline constexpr uint64_t kTdra = uint64_t{1} << 11;  // the debug ROM address (MDRAR_EL1)

// The debug registers' part of the system-register encodings (op0 = 0b10): what TDA, TDOSA
// and TDRA trap.
inline constexpr uint8_t kDebugOp0 = 2;

} // namespace arm::mdcr
