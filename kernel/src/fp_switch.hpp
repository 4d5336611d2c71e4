// Lazy FP/SIMD switching: the register file stays with its last user (the owner);
// any other thread runs with FP trapped (CPTR_EL2.TFP) and the first FP instruction
// it executes moves the registers over. Threads that never use FP cost nothing.
#pragma once

#include "thread.hpp"

namespace kernel::fp {

// On the way out of the kernel: trap FP unless `next` owns the registers.
void prepare_to_run(Thread* next);
// EC 0x07 from EL0: hand the registers to `t`.
void take_ownership(Thread* t);
// A thread that will not run again (suspend) may keep ownership; nothing to do.

} // namespace kernel::fp
