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
    // Inline (like hand_over): it is most of the fast path's scheduling cost.
    [[nodiscard]] bool would_choose(const Thread* running, unsigned priority) const {
        // Not the head (or not queued at all): let choose() sort it out.
        if (running->prev != nullptr) return false;
        const int top = highest_in(words_);
        if (top < 0) return false;
        if (top < static_cast<int>(priority)) return true;
        // Someone other than `running` at `top` >= priority would run first.
        if (top != static_cast<int>(running->priority) || running->next != nullptr) return false;
        // `running` alone at the top: the next one down decides.
        return below_top(static_cast<unsigned>(top)) < static_cast<int>(priority);
    }
    // Then: `running` leaves its queue (the caller sets its new state) and `next` (in no
    // queue, pinned here) becomes ready. The usual IPC and vCPU exit: `running` alone at
    // its priority (and the head: would_choose) and nobody at `next`'s, so the queue
    // operations reduce to a few stores; in one bitmap word the two bits flip and the
    // word's summary bit stays set.
    void hand_over(Thread* running, Thread* next) {
        const unsigned own = running->priority;
        const unsigned theirs = next->priority;
        next->state = ThreadState::Ready;
        ThreadQueue& to = queues_[theirs];
        if (running->next == nullptr && to.empty()) [[likely]] {
            queues_[own].pop_only();
            to.push_only(next);
            if (own / 64 == theirs / 64) {
                bitmap_[own / 64] ^= (1ull << (own % 64)) | (1ull << (theirs % 64));
            } else {
                clear_bit(own);
                set_bit(theirs);
            }
            return;
        }
        hand_over_slow(running, next);
    }
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
    // The highest priority in bitmap word `word`, whose bits are `bits` (not zero).
    static unsigned highest(unsigned word, uint64_t bits) {
        return word * 64 + 63 - static_cast<unsigned>(__builtin_clzll(bits));
    }
    // The highest ready priority in the bitmap words `words` names (bit w: word w); -1: none.
    [[nodiscard]] int highest_in(uint32_t words) const {
        if (words == 0) return -1;
        const unsigned w = 31 - static_cast<unsigned>(__builtin_clz(words));
        return static_cast<int>(highest(w, bitmap_[w]));
    }
    // The highest ready priority below `top`, the highest one; -1: none.
    [[nodiscard]] int below_top(unsigned top) const {
        const unsigned word = top / 64;
        const uint64_t bits = bitmap_[word] & ~(1ull << (top % 64));
        if (bits != 0) return static_cast<int>(highest(word, bits));
        return highest_in(words_ & ((1u << word) - 1));
    }
    void hand_over_slow(Thread* running, Thread* next);

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
    uint32_t words_ = 0; // bit w: bitmap_[w] != 0 (the top found in one step: highest_in)
};

// The scheduler of `core`, of the executing core, of the core `t` is pinned to.
Scheduler& scheduler(uint32_t core);
Scheduler& scheduler();
inline Scheduler& scheduler_of(const Thread* t) {
    return scheduler(t->core);
}

} // namespace kernel
