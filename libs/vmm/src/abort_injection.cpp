// EL1 exception entry for an injected synchronous external abort (Arm ARM D1.10:
// exception vectors; ESR_ELx data/instruction abort ISS with DFSC/IFSC 0b010000).
#include <vmm/abort_injection.hpp>

#include <arch/esr.hpp>
#include <arch/pstate.hpp>

namespace vmm {
namespace {

// Vector offsets for synchronous exceptions by where the guest was.
uint64_t vector_offset(uint64_t pstate) {
    if ((pstate & arm::pstate::kAarch32) != 0) return 0x600; // lower EL, AArch32
    switch (pstate & arm::pstate::kModeMask) {
    case arm::pstate::kEl1t:
        return 0x000; // EL1t: current EL with SP_EL0
    case arm::pstate::kEl1h:
        return 0x200; // EL1h: current EL with SP_EL1
    default:
        return 0x400; // EL0: lower EL, AArch64
    }
}

// The entry for an abort of class `same` (taken from EL1) or `lower` (from EL0) with `iss`.
El1ExceptionEntry external_abort(const GuestFaultState& fault, arm::ExceptionClass same,
                                 arm::ExceptionClass lower, uint32_t iss) {
    const bool from_el1 = (fault.pstate & arm::pstate::kAarch32) == 0 &&
                          arm::pstate::exception_level(fault.pstate) == 1;
    El1ExceptionEntry e;
    e.elr_el1 = fault.pc;
    e.spsr_el1 = fault.pstate;
    e.far_el1 = fault.far;
    e.esr_el1 = arm::Esr::make(from_el1 ? same : lower, iss).value;
    e.pc = fault.vbar_el1 + vector_offset(fault.pstate);
    e.pstate = arm::pstate::kEl1hMasked;
    return e;
}

} // namespace

El1ExceptionEntry external_data_abort(const GuestFaultState& fault) {
    const arm::DataAbortIss iss{.wnr = fault.write, .dfsc = arm::fsc::kSyncExternal};
    return external_abort(fault, arm::ExceptionClass::DataAbortSame,
                          arm::ExceptionClass::DataAbortLower, iss.encode());
}

El1ExceptionEntry external_instruction_abort(const GuestFaultState& fault) {
    return external_abort(fault, arm::ExceptionClass::InstructionAbortSame,
                          arm::ExceptionClass::InstructionAbortLower, arm::fsc::kSyncExternal);
}

} // namespace vmm
