// Thread faults: turned into a message on the thread's fault endpoint, or, without
// one, logged and the thread stopped. Never fatal to the kernel or other threads.
#pragma once

#include "thread.hpp"

namespace kernel {

void deliver_fault(Thread* t, uint64_t esr, uint64_t far);
// A failed capability lookup by a thread with cap_faults set; its x0 already holds
// the error status it resumes with.
void deliver_cap_fault(Thread* t, uint64_t slot, uint64_t call);

} // namespace kernel
