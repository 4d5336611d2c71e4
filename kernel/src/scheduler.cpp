// Ready queues with a 256-bit priority bitmap.
#include "scheduler.hpp"

namespace kernel {

void Scheduler::make_ready(Thread* t) {
    if (t->state == ThreadState::Ready) return;
    t->state = ThreadState::Ready;
    queues_[t->priority].push_back(t);
    bitmap_[t->priority / 64] |= 1ull << (t->priority % 64);
}

void Scheduler::remove(Thread* t) {
    if (t->state != ThreadState::Ready) return;
    ThreadQueue& q = queues_[t->priority];
    q.remove(t);
    if (q.empty()) bitmap_[t->priority / 64] &= ~(1ull << (t->priority % 64));
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

Scheduler& scheduler() {
    static Scheduler instance;
    return instance;
}

} // namespace kernel
