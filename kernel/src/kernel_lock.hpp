// The big kernel lock: one spin lock held from every entry into the kernel until
// the exit into a thread (docs/ARCHITECTURE.md, "SMP", says why and what it costs).
// The kernel runs with interrupts masked, so a holder is never preempted.
#pragma once

#include <cstdint>

namespace kernel::kernel_lock {

void acquire();
void release();

} // namespace kernel::kernel_lock
