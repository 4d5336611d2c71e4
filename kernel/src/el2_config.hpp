// The EL2 controls native threads run with: written once at boot and again whenever the
// core leaves a guest (vcpu::enter_native), so both places take them from here.
#pragma once

#include <arch/cptr.hpp>
#include <arch/hcr.hpp>
#include <arch/mdcr.hpp>
#include <arch/sctlr.hpp>
#include <arch/timer.hpp>

#include <cstdint>

namespace kernel::el2_config {

// HCR_EL2 for native threads: EL0 with TGE (exceptions and interrupts come here, EL1&0
// stage 1 off) and VM (stage 2 on: the domain's table is its address space), DC so that
// EL0 accesses are Normal cacheable before stage 2 (which may make them Device), RW (EL1
// is AArch64).
inline constexpr uint64_t kHcrNative =
    arm::hcr::kVm | arm::hcr::kDc | arm::hcr::kTge | arm::hcr::kRw;
// EL1/EL0 physical counter and timer: native domains own them.
inline constexpr uint64_t kCnthctlNative = arm::cnthctl::kEl1pcten | arm::cnthctl::kEl1pcen;
// FPEN: only CPTR_EL2.TFP decides about FP (it is switched lazily, see fp_switch.hpp).
inline constexpr uint64_t kCpacrNative = arm::cpacr::kFpenNoTrap;

// SCTLR_EL1 bits that still act at EL0 while native threads run there (TGE without E2H
// leaves SCTLR_EL1's EL0 controls in force) and would make them misread their memory:
// big-endian EL0 data, alignment checks. A guest that set one has it taken off before a
// native thread runs (vcpu::switch_out). The EL0 trap controls (UCT, UCI, DZE, nTWE, nTWI,
// UMA) follow the guest too: native code does not use what they trap (CTR_EL0, DC ZVA,
// cache maintenance, WFE/WFI, DAIF at EL0).
inline constexpr uint64_t kSctlrEl0Hazards = arm::sctlr::kE0e | arm::sctlr::kA;
// SCTLR_EL1 for native threads: the RES1 bits (written at boot, and when a guest's hazard
// is taken off).
inline constexpr uint64_t kSctlrNative = arm::sctlr::kEl1Res1;

// MDCR_EL2, for every thread: the debug registers are the kernel's (arch/mdcr.hpp says why;
// a guest's accesses become exits its VMM answers). Release builds also keep the
// performance monitors from guests, as from native components (kernel_main.cpp).
inline constexpr uint64_t kMdcrTraps = arm::mdcr::kTda | arm::mdcr::kTdosa | arm::mdcr::kTdra
#if defined(BULKHEAD_RELEASE)
                                       | arm::mdcr::kTpm | arm::mdcr::kTpmcr
#endif
    ;

} // namespace kernel::el2_config
