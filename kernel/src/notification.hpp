// Notifications: a word of pending badge bits (OR-ed by each signal) and a queue of
// waiters. Bound to a thread, a signal also wakes that thread out of Recv.
#pragma once

#include "thread.hpp"

namespace kernel {

struct Notification {
    uint64_t pending = 0;
    ThreadQueue waiters;
    Thread* bound_thread = nullptr;

    void signal(uint64_t badge);
    void wait(Thread* t);
    uint64_t poll();
};

} // namespace kernel
