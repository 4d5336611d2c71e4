// Priority-preemptive scheduler, round-robin within a priority. The running thread
// stays at the head of its ready queue; the highest non-empty queue's head runs.
// One instance per core: a thread is only ever in the queues of the core it is pinned
// to (Thread::core), and a change to another core's queues kicks that core.
#pragma once

#include "smp.hpp"
#include "thread.hpp"

namespace kernel {

class Scheduler {
public:
    void make_ready(Thread* t);
    void remove(Thread* t); // from its ready queue, if there
    void rotate(Thread* t); // to the tail of its priority (yield, timeslice end)
    Thread* choose(Thread* idle) const;
    // The IPC fast path: would choose() pick a thread of priority `priority` made ready
    // now, once `running` (the head of its queue) has blocked? True when no other ready
    // thread has that priority or a higher one.
    [[nodiscard]] bool would_choose(const Thread* running, uint8_t priority) const;
    // make_ready()/remove() for a thread of the executing core (no kick to send).
    void make_ready_here(Thread* t);
    void remove_here(Thread* t);
    // Debug checks: is `t` in the queue of its priority?
    [[nodiscard]] bool holds(const Thread* t) const;
    // Debug checks: threads in all queues; each must be Ready and pinned here.
    template <class Visit> void for_each(Visit visit) const {
        for (const ThreadQueue& q : queues_) {
            for (const Thread* t = q.front(); t != nullptr; t = t->next)
                visit(t);
        }
    }

private:
    ThreadQueue queues_[256];
    uint64_t bitmap_[4] = {};
};

// The scheduler of `core`, of the executing core, of the core `t` is pinned to.
Scheduler& scheduler(uint32_t core);
Scheduler& scheduler();
inline Scheduler& scheduler_of(const Thread* t) {
    return scheduler(t->core);
}

} // namespace kernel
