// Guest exits as messages (spec/vcpu_abi.hpp): classifying a vCPU's trap by its
// syndrome, filling the exit message, and applying the VMM's reply to the saved
// registers. Portable (no system registers), so the host tests use it as it is.
#pragma once

#include "thread.hpp"

#include <arch/esr.hpp>
#include <spec/vcpu_abi.hpp>

#include <cstdint>

namespace kernel::vcpu_exit {

// What the kernel knows at the trap, beyond the saved registers.
struct Syndrome {
    uint64_t esr;
    uint64_t far;
    uint64_t hpfar;
    uint64_t instruction; // the word at the PC, for data aborts without ISV (0: unknown)
};

// Fills `mr` (6 message registers) for a trap that goes to the VMM. The context's PC
// must already be where the vCPU resumes (past an SMC).
void build_message(const Context& ctx, const Syndrome& s, uint64_t (&mr)[6]);
void build_eoi_message(uint32_t lr_mask, uint64_t (&mr)[6]);
// A WFI the VMM asked to hear of (vcpu_abi::Reg::IdleExit), with its ESR_EL2.
void build_idle_message(uint64_t esr, uint64_t (&mr)[6]);

// The exit counter a trap of a vCPU with syndrome `esr` counts under (vcpu_abi).
// constexpr: the trap path reads it from a table built from it (vcpu.cpp).
[[nodiscard]] constexpr vcpu_abi::ExitCounter counter_for(uint64_t esr) {
    using arm::ExceptionClass;
    using vcpu_abi::ExitCounter;
    const arm::Esr e{esr};
    switch (e.ec()) {
    case ExceptionClass::DataAbortLower:
        return ExitCounter::Mmio;
    case ExceptionClass::Hvc64:
        return ExitCounter::Hvc;
    case ExceptionClass::Smc64:
        return ExitCounter::Smc;
    case ExceptionClass::SysReg64:
        return ExitCounter::SysReg;
    case ExceptionClass::Wfx:
        return e.wfx().wfe ? ExitCounter::Wfe : ExitCounter::Wfi;
    case ExceptionClass::FpAccess:
        return ExitCounter::FpTrap;
    default:
        return ExitCounter::Other;
    }
}

// Applies a reply's MR0..MR2 (vcpu_abi::ReplyFlags) to the vCPU's registers.
void apply_reply(Context& ctx, const uint64_t* mr);

} // namespace kernel::vcpu_exit
