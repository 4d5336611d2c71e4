// Entry from `svc #0` at EL0: decodes and performs one kernel call.
#pragma once

#include "thread.hpp"

namespace kernel {

void handle_syscall(Thread* t);
// The IPC fast path for the call `t` makes (Call, or ReplyRecv, on an endpoint its
// capability allows; Signal on a notification, Notification::fast_signal): the thread to
// switch to (switch_to), or nullptr, and then
// handle_syscall() does it the ordinary way. `t` is the running thread, native.
Thread* fast_syscall(Thread* t);

} // namespace kernel
