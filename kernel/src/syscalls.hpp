// Entry from `svc #0` at EL0: decodes and performs one kernel call.
#pragma once

#include "thread.hpp"

namespace kernel {

void handle_syscall(Thread* t);

} // namespace kernel
