// Lazy FP/SIMD switching: the register file stays with its last user (the owner);
// any other thread runs with FP trapped (CPTR_EL2.TFP) and the first FP instruction
// it executes moves the registers over. Threads that never use FP cost nothing.
#pragma once

#include "kernel_objects.hpp"

namespace kernel::fp {

// Sets CPTR_EL2.TFP on the executing core `c` as `trap` says.
void write_trap(CoreState& c, bool trap);

// On the way out of the kernel (`c`: the executing core): trap FP unless `next` owns
// the registers. Every switch passes here: the common case (the trap already as
// needed) is a compare, inlined (GCC would make it a call of its own otherwise).
[[gnu::always_inline]] inline bool trap_to_change(const CoreState& c, const Thread* next) {
    return c.fp_trapped != (next != c.fp_owner);
}
[[gnu::always_inline]] inline void prepare_to_run(CoreState& c, const Thread* next) {
    if (trap_to_change(c, next)) [[unlikely]]
        write_trap(c, next != c.fp_owner);
}
// EC 0x07 from EL0: hand the registers to `t`.
void take_ownership(Thread* t);
// A thread that will not run again (suspend) may keep ownership; nothing to do.

} // namespace kernel::fp
