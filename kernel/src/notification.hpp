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
    // The fast path of a Signal from `running` (the thread running on this core, in no run
    // queue): when the first waiter is on this core and would preempt `running` at once
    // (above its priority, nothing queued at the waiter's or above), it gets the bits,
    // `running` goes back to the head of its queue, and the waiter is returned to be
    // switched to directly (in no queue). Otherwise nullptr, nothing changed: signal().
    Thread* fast_signal(Thread* running, uint64_t badge);
    void wait(Thread* t);
    uint64_t poll();
};

} // namespace kernel
