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
    const int top = highest_in(words_);
    return top < 0 ? idle : queues_[top].front();
}

void Scheduler::hand_over_slow(Thread* running, Thread* next) {
    const unsigned own = running->priority;
    ThreadQueue& q = queues_[own];
    q.pop_front();
    if (q.empty()) clear_bit(own);
    queues_[next->priority].push_back(next);
    set_bit(next->priority);
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
