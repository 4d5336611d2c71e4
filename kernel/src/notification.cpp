// Signal, wait and poll on notifications.
#include "notification.hpp"

#include "endpoint.hpp"
#include "scheduler.hpp"

#include <spec/call_abi.hpp>

namespace kernel {
namespace {

void wake(Thread* t, call_abi::Status status, uint64_t bits) {
    t->context.x[0] = static_cast<uint64_t>(status);
    t->context.x[1] = bits;
    t->state = ThreadState::Inactive;
    scheduler_of(t).make_ready(t);
}

} // namespace

void Notification::signal(uint64_t badge) {
    if (parent != nullptr && waiters.empty()) {
        pending |= badge;
        parent->signal(parent_badge);
        return;
    }
    if (Thread* w = waiters.pop_front()) {
        w->blocked_notification = nullptr;
        wake(w, call_abi::Status::Ok, pending | badge);
        pending = 0;
        return;
    }
    if (bound_thread != nullptr && bound_thread->state == ThreadState::BlockedOnRecv) {
        Thread* t = bound_thread;
        t->blocked_endpoint->receivers.remove(t);
        t->blocked_endpoint = nullptr;
        wake(t, call_abi::Status::Notified, pending | badge);
        pending = 0;
        return;
    }
    pending |= badge;
}

Thread* Notification::fast_signal(Thread* running, uint64_t badge) {
    Thread* w = waiters.front();
    Scheduler& s = scheduler_of(running);
    if (w == nullptr || w->core != running->core || w->priority <= running->priority ||
        !s.would_choose(running, w->priority))
        return nullptr;
    waiters.pop_front();
    w->blocked_notification = nullptr;
    w->context.x[0] = static_cast<uint64_t>(call_abi::Status::Ok);
    w->context.x[1] = pending | badge;
    pending = 0;
    w->state = ThreadState::Ready;
    running->context.x[0] = static_cast<uint64_t>(call_abi::Status::Ok);
    s.preempted(running);
    return w;
}

void Notification::wait(Thread* t) {
    if (pending != 0) {
        t->context.x[0] = static_cast<uint64_t>(call_abi::Status::Ok);
        t->context.x[1] = pending;
        pending = 0;
        return;
    }
    scheduler_of(t).remove(t);
    t->state = ThreadState::BlockedOnNotification;
    t->blocked_notification = this;
    waiters.push_back(t);
}

uint64_t Notification::poll() {
    const uint64_t bits = pending;
    pending = 0;
    return bits;
}

} // namespace kernel
