// Priority-preemptive scheduler, round-robin within a priority. The running thread is in
// no queue (lazy scheduling: an IPC that switches threads touches no queue); it runs
// while nothing of a higher priority is queued, as if at the head of its priority's queue.
// One instance per core: a thread is only ever in the queues of the core it is pinned
// to (Thread::core), and a change to another core's queues kicks that core.
#pragma once

#include "smp.hpp"
#include "thread.hpp"

namespace kernel {

// Aligned to a power of two so that finding a core's scheduler is one shifted add (the
// fast path does it on every IPC), not a multiplication.
class alignas(8192) Scheduler {
public:
    void make_ready(Thread* t); // Ready, at the tail of its priority's queue
    void remove(Thread* t);     // no longer Ready-and-queued (the caller sets its new state)
    void rotate(Thread* t);     // to the tail of its priority (yield, timeslice end)
    // The thread to run next, taken out of its queue; `current` is the thread that ran
    // here (any state; nullptr at boot). A running thread is in no queue: it goes on
    // while nothing above its priority is queued (it is ahead of its own priority's
    // queue), and goes back to the head of its queue when a higher one takes over.
    Thread* pick(Thread* current, Thread* idle);
    // `running` (in no queue) is preempted by a thread switched to directly: back to the
    // head of its priority's queue, as pick() puts it.
    void preempted(Thread* running) { enqueue(running, true); }
    // Whose turn would be next among the queued threads, nothing taken out (host tests).
    [[nodiscard]] Thread* choose(Thread* idle) const;
    // The IPC fast path: once `running` (the thread running here, in no queue) blocks, would
    // pick() choose a thread of `priority` made ready now — is nothing queued at that
    // priority or above (so also no higher thread another core has just made ready and
    // kicked us for)? The thread switched to directly never enters a queue, the one that
    // blocks never leaves one: no queue operation at all (lazy scheduling).
    // No search for the top: nothing in a higher bitmap word (the summary shifted), nothing
    // at or above `priority` in its own word (the word shifted).
    [[nodiscard]] bool would_choose(const Thread* running, unsigned priority) const {
        const unsigned word = priority / 64;
        return !running->queued && (words_ >> word) <= 1 && (bitmap_[word] >> (priority % 64)) == 0;
    }
    // Does a thread of `running`'s priority wait in the queue (running in none)? Then the
    // core needs its tick to share the time between them (tick_policy.hpp).
    [[nodiscard]] bool peer_queued(const Thread* running) const {
        return ((bitmap_[running->priority / 64] >> (running->priority % 64)) & 1) != 0;
    }
    // Debug checks: is `t` in the queue of its priority?
    [[nodiscard]] bool holds(const Thread* t) const;
    // Debug checks: threads in all queues; each must be Ready, queued and pinned here.
    template <class Visit> void for_each(Visit visit) const {
        for (const ThreadQueue& q : queues_) {
            for (const Thread* t = q.front(); t != nullptr; t = t->next)
                visit(t);
        }
    }

private:
    // The highest priority in bitmap word `word`, whose bits are `bits` (not zero).
    static unsigned highest(unsigned word, uint64_t bits) {
        return word * 64 + 63 - static_cast<unsigned>(__builtin_clzll(bits));
    }
    // The highest queued priority (the top word from the summary, then its top bit); -1: none.
    [[nodiscard]] int top_queued() const {
        if (words_ == 0) return -1;
        const unsigned w = 31 - static_cast<unsigned>(__builtin_clz(words_));
        return static_cast<int>(highest(w, bitmap_[w]));
    }

    ThreadQueue queues_[256];
    void enqueue(Thread* t, bool front);
    void set_bit(unsigned priority) {
        bitmap_[priority / 64] |= 1ull << (priority % 64);
        words_ |= 1u << (priority / 64);
    }
    void clear_bit(unsigned priority) {
        bitmap_[priority / 64] &= ~(1ull << (priority % 64));
        if (bitmap_[priority / 64] == 0) words_ &= ~(1u << (priority / 64));
    }

    uint64_t bitmap_[4] = {};
    uint32_t words_ = 0; // bit w: bitmap_[w] != 0 (the top found in one step: top_queued)
};

// The scheduler of `core`, of the executing core, of the core `t` is pinned to.
Scheduler& scheduler(uint32_t core);
Scheduler& scheduler();
inline Scheduler& scheduler_of(const Thread* t) {
    return scheduler(t->core);
}

} // namespace kernel
