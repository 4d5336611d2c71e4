// Priority-preemptive scheduler, round-robin within a priority. The running thread
// stays at the head of its ready queue; the highest non-empty queue's head runs.
// One instance per core (only core 0 today): nothing here is global state.
#pragma once

#include "thread.hpp"

namespace kernel {

class Scheduler {
public:
    void make_ready(Thread* t);
    void remove(Thread* t); // from its ready queue, if there
    void rotate(Thread* t); // to the tail of its priority (yield, timeslice end)
    Thread* choose(Thread* idle) const;

private:
    ThreadQueue queues_[256];
    uint64_t bitmap_[4] = {};
};

Scheduler& scheduler();

} // namespace kernel
