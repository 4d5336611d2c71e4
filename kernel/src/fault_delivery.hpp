// Thread faults: turned into a message on the thread's fault endpoint, or, without
// one, logged and the thread stopped. Never fatal to the kernel or other threads.
#pragma once

#include "thread.hpp"

namespace kernel {

void deliver_fault(Thread* t, uint64_t esr, uint64_t far);

} // namespace kernel
