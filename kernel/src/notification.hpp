// Notifications: a word of pending badge bits (OR-ed by each signal) and a queue of
// waiters. Bound to a thread, a signal also wakes that thread out of Recv. A chained
// notification (one with a parent) keeps its bits and signals its parent with one bit of
// the parent's word: a thread bound to the parent learns that the chained word has bits and
// polls it, so one bound notification receives more than 64 sources (a VM's passed-through
// IRQs), one level deep.
#pragma once

#include "thread.hpp"

namespace kernel {

struct Notification {
    uint64_t pending = 0;
    ThreadQueue waiters;
    Thread* bound_thread = nullptr;
    Notification* parent = nullptr; // chained: signals parent with parent_badge
    uint64_t parent_badge = 0;

    void signal(uint64_t badge);
    void wait(Thread* t);
    uint64_t poll();
};

} // namespace kernel
