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
    // The IPC fast path. would_choose: once `running` (the executing core's thread)
    // blocks, would choose() pick a thread of `priority` made ready now — no other ready
    // thread of that priority or above, and `running` is the head of its queue?
    [[nodiscard]] bool would_choose(const Thread* running, unsigned priority) const;
    // Then: `running` leaves its queue (the caller sets its new state) and `next` (in no
    // queue, pinned here) becomes ready.
    void hand_over(Thread* running, Thread* next);
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
    void set_bit(unsigned priority) {
        bitmap_[priority / 64] |= 1ull << (priority % 64);
        words_ |= 1u << (priority / 64);
    }
    void clear_bit(unsigned priority) {
        bitmap_[priority / 64] &= ~(1ull << (priority % 64));
        if (bitmap_[priority / 64] == 0) words_ &= ~(1u << (priority / 64));
    }

    uint64_t bitmap_[4] = {};
    uint32_t words_ = 0; // bit w: bitmap_[w] != 0 (the fast path's one-step top search)
};

// The scheduler of `core`, of the executing core, of the core `t` is pinned to.
Scheduler& scheduler(uint32_t core);
Scheduler& scheduler();
inline Scheduler& scheduler_of(const Thread* t) {
    return scheduler(t->core);
}

} // namespace kernel
