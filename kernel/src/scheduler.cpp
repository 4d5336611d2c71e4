// Ready queues with a 256-bit priority bitmap, one set per core.
#include "scheduler.hpp"

namespace kernel {
namespace {
Scheduler g_schedulers[smp::kMaxCores];
} // namespace

void Scheduler::make_ready_here(Thread* t) {
    if (t->state == ThreadState::Ready) return;
    t->state = ThreadState::Ready;
    queues_[t->priority].push_back(t);
    bitmap_[t->priority / 64] |= 1ull << (t->priority % 64);
}

void Scheduler::make_ready(Thread* t) {
    if (t->state == ThreadState::Ready) return;
    make_ready_here(t);
    smp::kick(t->core); // t->core is this scheduler's core (scheduler_of)
}

void Scheduler::remove_here(Thread* t) {
    if (t->state != ThreadState::Ready) return;
    ThreadQueue& q = queues_[t->priority];
    q.remove(t);
    if (q.empty()) bitmap_[t->priority / 64] &= ~(1ull << (t->priority % 64));
}

void Scheduler::remove(Thread* t) {
    if (t->state != ThreadState::Ready) return;
    remove_here(t);
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

bool Scheduler::would_choose(const Thread* running, uint8_t priority) const {
    const unsigned own = running->priority;
    for (int word = 3; word >= 0; --word) {
        uint64_t bits = bitmap_[word];
        // `running` leaves its queue: its bit goes if nobody else is queued behind it.
        if (static_cast<unsigned>(word) == own / 64 && running->next == nullptr &&
            running->prev == nullptr)
            bits &= ~(1ull << (own % 64));
        if (bits != 0)
            return static_cast<unsigned>(word * 64 + 63 - __builtin_clzll(bits)) < priority;
    }
    return true;
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
