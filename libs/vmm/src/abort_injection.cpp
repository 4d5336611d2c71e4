// EL1 exception entry for an injected synchronous external abort (Arm ARM D1.10:
// exception vectors; ESR_ELx data abort ISS with DFSC 0b010000).
#include <vmm/abort_injection.hpp>

namespace vmm {
namespace {

constexpr uint64_t kEcDataAbortLowerEl = 0x24;
constexpr uint64_t kEcDataAbortSameEl = 0x25;
constexpr uint64_t kDfscSyncExternal = 0x10;
constexpr uint64_t kPstateEl1h = 0x5;
constexpr uint64_t kPstateDaif = 0xf << 6;

// Vector offsets for synchronous exceptions by where the guest was.
uint64_t vector_offset(uint64_t pstate) {
    if ((pstate & 0x10) != 0) return 0x600; // lower EL, AArch32
    switch (pstate & 0xf) {
    case 0x4:
        return 0x000; // EL1t: current EL with SP_EL0
    case 0x5:
        return 0x200; // EL1h: current EL with SP_EL1
    default:
        return 0x400; // EL0: lower EL, AArch64
    }
}

} // namespace

El1ExceptionEntry external_data_abort(const GuestFaultState& fault) {
    const bool from_el1 = (fault.pstate & 0x1c) == 0x4; // AArch64 EL1t/EL1h
    El1ExceptionEntry e;
    e.elr_el1 = fault.pc;
    e.spsr_el1 = fault.pstate;
    e.far_el1 = fault.far;
    e.esr_el1 = ((from_el1 ? kEcDataAbortSameEl : kEcDataAbortLowerEl) << 26) |
                (uint64_t{1} << 25) /* IL: 32-bit instruction */ | (uint64_t{fault.write} << 6) |
                kDfscSyncExternal;
    e.pc = fault.vbar_el1 + vector_offset(fault.pstate);
    e.pstate = kPstateEl1h | kPstateDaif;
    return e;
}

} // namespace vmm
