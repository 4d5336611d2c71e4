// Ready queues with a 256-bit priority bitmap, one set per core.
#include "scheduler.hpp"

namespace kernel {
namespace {
Scheduler g_schedulers[smp::kMaxCores];
} // namespace

void Scheduler::enqueue(Thread* t, bool front) {
    ThreadQueue& q = queues_[t->priority];
    if (front) {
        q.push_front(t);
    } else {
        q.push_back(t);
    }
    t->queued = true;
    set_bit(t->priority);
}

void Scheduler::make_ready(Thread* t) {
    if (t->state == ThreadState::Ready) return;
    t->state = ThreadState::Ready;
    enqueue(t, false);
    smp::kick(t->core); // t->core is this scheduler's core (scheduler_of)
}

void Scheduler::remove(Thread* t) {
    if (t->state != ThreadState::Ready) return;
    if (t->queued) {
        ThreadQueue& q = queues_[t->priority];
        q.remove(t);
        t->queued = false;
        if (q.empty()) clear_bit(t->priority);
    }
    // It may be running there right now: that core must stop it.
    smp::kick(t->core);
}

void Scheduler::rotate(Thread* t) {
    if (t->state != ThreadState::Ready) return;
    if (t->queued) {
        queues_[t->priority].remove(t);
        queues_[t->priority].push_back(t);
        return;
    }
    enqueue(t, false); // the running thread: behind the others of its priority
}

Thread* Scheduler::pick(Thread* current, Thread* idle) {
    const int top = top_queued();
    const bool running =
        current != nullptr && current->state == ThreadState::Ready && !current->queued;
    // Ahead of its own priority's queue: only a higher one takes over.
    if (running && top <= static_cast<int>(current->priority)) return current;
    if (top < 0) return idle;
    ThreadQueue& q = queues_[top];
    Thread* t = q.pop_front();
    t->queued = false;
    if (q.empty()) clear_bit(static_cast<unsigned>(top));
    if (running) enqueue(current, true); // preempted: first of its priority again
    return t;
}

Thread* Scheduler::choose(Thread* idle) const {
    const int top = top_queued();
    return top < 0 ? idle : queues_[top].front();
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
