// Ready queues with a 256-bit priority bitmap, one set per core.
#include "scheduler.hpp"

namespace kernel {
namespace {
Scheduler g_schedulers[smp::kMaxCores];
} // namespace

void Scheduler::make_ready(Thread* t) {
    if (t->state == ThreadState::Ready) return;
    t->state = ThreadState::Ready;
    queues_[t->priority].push_back(t);
    set_bit(t->priority);
    smp::kick(t->core); // t->core is this scheduler's core (scheduler_of)
}

void Scheduler::remove(Thread* t) {
    if (t->state != ThreadState::Ready) return;
    ThreadQueue& q = queues_[t->priority];
    q.remove(t);
    if (q.empty()) clear_bit(t->priority);
    // It may be running there right now: that core must stop it.
    smp::kick(t->core);
}

void Scheduler::rotate(Thread* t) {
    if (t->state != ThreadState::Ready) return;
    ThreadQueue& q = queues_[t->priority];
    q.remove(t);
    q.push_back(t);
}

Thread* Scheduler::choose(Thread* idle) const {
    for (int word = 3; word >= 0; --word) {
        if (bitmap_[word] != 0) {
            const int bit = 63 - __builtin_clzll(bitmap_[word]);
            return queues_[word * 64 + bit].front();
        }
    }
    return idle;
}

bool Scheduler::would_choose(const Thread* running, unsigned priority) const {
    if (running->prev != nullptr) return false; // not the head: let choose() sort it out
    // The highest ready priority but `running`'s own (if nobody else is queued there):
    // the top word, then the top bit in it; at most one step down past `running`.
    const unsigned own = running->priority;
    const uint64_t own_bit = running->next == nullptr ? 1ull << (own % 64) : 0;
    uint32_t words = words_;
    while (words != 0) {
        const unsigned word = 31 - static_cast<unsigned>(__builtin_clz(words));
        const uint64_t bits = bitmap_[word] & ~(word == own / 64 ? own_bit : 0);
        if (bits != 0)
            return word * 64 + 63 - static_cast<unsigned>(__builtin_clzll(bits)) < priority;
        words &= ~(1u << word);
    }
    return true;
}

void Scheduler::hand_over(Thread* running, Thread* next) {
    const unsigned own = running->priority;
    const unsigned theirs = next->priority;
    ThreadQueue& q = queues_[own];
    ThreadQueue& to = queues_[theirs];
    next->state = ThreadState::Ready;
    // The usual IPC and vCPU exit: `running` alone at its priority and nobody at
    // `next`'s, so the queue operations reduce to a few stores; in one bitmap word the
    // two bits flip and the word's summary bit stays set.
    if (running->next == nullptr && to.empty()) {
        q.pop_front();
        to.push_back(next);
        if (own / 64 == theirs / 64) {
            bitmap_[own / 64] ^= (1ull << (own % 64)) | (1ull << (theirs % 64));
        } else {
            clear_bit(own);
            set_bit(theirs);
        }
        return;
    }
    q.pop_front();
    if (q.empty()) clear_bit(own);
    to.push_back(next);
    set_bit(theirs);
}

bool Scheduler::holds(const Thread* t) const {
    for (const Thread* q = queues_[t->priority].front(); q != nullptr; q = q->next)
        if (q == t) return true;
    return false;
}

Scheduler& scheduler(uint32_t core) {
    return g_schedulers[core];
}

Scheduler& scheduler() {
    return g_schedulers[smp::this_core()];
}

} // namespace kernel
