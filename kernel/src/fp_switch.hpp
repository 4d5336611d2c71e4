// Lazy FP/SIMD switching: the register file stays with its last user (the owner);
// any other native thread runs with FP trapped (CPTR_EL2.TFP) and the first FP
// instruction it executes moves the registers over. Threads that never use FP cost
// nothing. A vCPU is never trapped: it takes the registers as it is switched in
// (fp_switch.cpp says why).
#pragma once

#include "kernel_objects.hpp"
#include "sysreg.hpp"

#include <arch/cptr.hpp>

namespace kernel::fp {

// Sets CPTR_EL2.TFP on the executing core `c` as `trap` says (with an ISB: for the kernel's
// own use of the registers).
void write_trap(CoreState& c, bool trap);

// On the way out of the kernel (`c`: the executing core), in two steps. Every switch passes
// here; the common cases are inlined (GCC would make them calls of their own otherwise).
// First: does `next`, a vCPU, need the registers moved to it (out of line, rare: a native
// thread used them since)?
[[gnu::always_inline]] inline bool registers_to_move(const CoreState& c, const Thread* next) {
    return next->vcpu != nullptr && next != c.fp_owner;
}
// Counted in the vCPU's FpTrap exit counter.
void move_registers(CoreState& c, Thread* t);
// Then: the trap as `next` runs with it (a native thread trapped unless it owns the
// registers, a vCPU, which owns them by now, untrapped). Between a guest and its VMM it
// changes at every switch (the fast switches write it without looking): no ISB, the eret
// that follows synchronizes.
[[gnu::always_inline]] inline void write_trap_for_eret(CoreState& c, bool trap) {
    BH_WRITE_SYSREG(cptr_el2, arm::cptr::kRes1 | (trap ? arm::cptr::kTfp : 0));
    c.fp_trapped = trap;
}
// The trap a native thread runs with: on unless it owns the registers.
[[gnu::always_inline]] inline bool native_trap(const CoreState& c, const Thread* next) {
    return next != c.fp_owner;
}
[[gnu::always_inline]] inline void set_trap_for(CoreState& c, const Thread* next) {
    const bool trap = next->vcpu == nullptr && native_trap(c, next);
    if (c.fp_trapped != trap) write_trap_for_eret(c, trap);
}
[[gnu::always_inline]] inline void prepare_to_run(CoreState& c, Thread* next) {
    if (registers_to_move(c, next)) [[unlikely]]
        move_registers(c, next);
    set_trap_for(c, next);
}
// EC 0x07 from EL0: hand the registers to `t`.
void take_ownership(Thread* t);
// A thread that will not run again (suspend) may keep ownership; nothing to do.

} // namespace kernel::fp
