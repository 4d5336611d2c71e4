// IPC: message transfer between register contexts. A fault message comes from the
// faulting thread's fault_message instead of its registers, which stay intact so
// that a reply can restart the faulting instruction.
#include "endpoint.hpp"

#include "notification.hpp"
#include "scheduler.hpp"
#include "vcpu.hpp"
#include "vcpu_exit.hpp"

#include <spec/call_abi.hpp>

namespace kernel::ipc {
namespace {

constexpr unsigned kFirstMr = 2;

void transfer(const Thread* from, Thread* to, uint64_t badge) {
    const uint64_t* src = from->in_fault ? from->fault_message : &from->context.x[kFirstMr];
    uint64_t* dst = &to->context.x[kFirstMr];
    // Two registers at a time, both loaded before either is stored: a load pair and a
    // store pair each (every IPC makes this copy; memcpy would be a call, a loop a loop).
    static_assert(call_abi::kMessageRegisters == 6);
    const auto copy_pair = [src, dst](unsigned i) {
        const uint64_t first = src[i];
        const uint64_t second = src[i + 1];
        dst[i] = first;
        dst[i + 1] = second;
    };
    copy_pair(0);
    copy_pair(2);
    copy_pair(4);
    to->context.x[0] = static_cast<uint64_t>(call_abi::Status::Ok);
    to->context.x[1] = badge;
}

void block(Thread* t, ThreadState state) {
    scheduler_of(t).remove(t);
    t->state = state;
}

// `server` has taken `client`'s message: a call waits for its reply, a send is done.
void complete_send(Thread* client, Thread* server) {
    if (client->is_call) {
        if (client->state == ThreadState::Ready) scheduler_of(client).remove(client);
        client->state = ThreadState::BlockedOnReply;
        client->replier = server;
        server->reply_to = client;
    } else {
        client->context.x[0] = static_cast<uint64_t>(call_abi::Status::Ok);
        scheduler_of(client).make_ready(client); // no-op when the sender is the running thread
    }
}

} // namespace

void send(Thread* sender, Endpoint* ep, uint64_t badge, bool call) {
    sender->is_call = call;
    if (Thread* r = ep->receivers.pop_front()) {
        r->blocked_endpoint = nullptr;
        transfer(sender, r, badge);
        scheduler_of(r).make_ready(r);
        complete_send(sender, r);
        return;
    }
    block(sender, ThreadState::BlockedOnSend);
    sender->send_badge = badge;
    sender->blocked_endpoint = ep;
    ep->senders.push_back(sender);
}

void receive(Thread* receiver, Endpoint* ep) {
    if (Notification* n = receiver->bound_notification; n != nullptr && n->pending != 0) {
        receiver->context.x[0] = static_cast<uint64_t>(call_abi::Status::Notified);
        receiver->context.x[1] = n->pending;
        n->pending = 0;
        return;
    }
    if (Thread* s = ep->senders.pop_front()) {
        s->blocked_endpoint = nullptr;
        transfer(s, receiver, s->send_badge);
        s->state = ThreadState::Inactive;
        complete_send(s, receiver);
        return;
    }
    block(receiver, ThreadState::BlockedOnRecv);
    receiver->blocked_endpoint = ep;
    ep->receivers.push_back(receiver);
}

bool reply(Thread* replier) {
    Thread* caller = replier->reply_to;
    replier->reply_to = nullptr;
    if (caller == nullptr || caller->state != ThreadState::BlockedOnReply ||
        caller->replier != replier)
        return false;
    caller->replier = nullptr;
    if (caller->in_fault) {
        caller->in_fault = false; // restart the faulting instruction as it was
        // A vCPU's exit reply may write a register and move the PC on (vcpu_abi).
        if (caller->vcpu != nullptr)
            vcpu_exit::apply_reply(caller->context, &replier->context.x[kFirstMr]);
    } else {
        for (unsigned i = 0; i < call_abi::kMessageRegisters; ++i)
            caller->context.x[kFirstMr + i] = replier->context.x[kFirstMr + i];
        caller->context.x[0] = static_cast<uint64_t>(call_abi::Status::Ok);
        caller->context.x[1] = 0;
    }
    scheduler_of(caller).make_ready(caller);
    return true;
}

Thread* fast_call(Thread* running, Endpoint* ep, uint64_t badge) {
    Thread* r = ep->receivers.front();
    if (r == nullptr || r->core != running->core ||
        !scheduler_of(running).would_choose(running, r->priority))
        return nullptr;
    // Neither thread is in a run queue, and neither will be: `running` blocks, `r` runs.
    ep->receivers.pop_front();
    r->state = ThreadState::Ready;
    r->blocked_endpoint = nullptr;
    transfer(running, r, badge);
    running->is_call = true;
    running->state = ThreadState::BlockedOnReply;
    running->replier = r;
    r->reply_to = running;
    return r;
}

Thread* fast_call_or_send(Thread* running, Endpoint* ep, uint64_t badge) {
    if (Thread* r = fast_call(running, ep, badge)) return r;
    send(running, ep, badge, true);
    return nullptr;
}

Thread* fast_reply_recv(Thread* running, Endpoint* ep) {
    Thread* caller = running->reply_to;
    const Notification* n = running->bound_notification;
    if (caller == nullptr || caller->state != ThreadState::BlockedOnReply ||
        caller->replier != running || caller->core != running->core || !ep->senders.empty() ||
        (n != nullptr && n->pending != 0) ||
        !scheduler_of(running).would_choose(running, caller->priority) ||
        // a vCPU with an EOI report due exits again before it runs (schedule_and_return)
        (caller->vcpu != nullptr && caller->vcpu->eoi_report_due()))
        return nullptr;
    running->reply_to = nullptr;
    caller->replier = nullptr;
    if (caller->in_fault) {
        caller->in_fault = false; // as reply(): restart, or apply a vCPU exit's reply
        if (caller->vcpu != nullptr)
            vcpu_exit::apply_reply(caller->context, &running->context.x[kFirstMr]);
    } else {
        transfer(running, caller, 0);
    }
    caller->state = ThreadState::Ready; // runs next, in no run queue (as `running` was)
    running->state = ThreadState::BlockedOnRecv;
    running->blocked_endpoint = ep;
    ep->receivers.push_back(running);
    return caller;
}

void cancel(Thread* t) {
    switch (t->state) {
    case ThreadState::Ready:
        scheduler_of(t).remove(t);
        return;
    case ThreadState::BlockedOnSend:
        t->blocked_endpoint->senders.remove(t);
        break;
    case ThreadState::BlockedOnRecv:
        t->blocked_endpoint->receivers.remove(t);
        break;
    case ThreadState::BlockedOnNotification:
        t->blocked_notification->waiters.remove(t);
        t->blocked_notification = nullptr;
        break;
    case ThreadState::BlockedOnReply:
        if (t->replier != nullptr && t->replier->reply_to == t) t->replier->reply_to = nullptr;
        t->replier = nullptr;
        break;
    case ThreadState::BlockedOnVirq:
        break;
    case ThreadState::Inactive:
        return;
    }
    t->blocked_endpoint = nullptr;
    // A vCPU's x0 is the guest's: a cancelled exit leaves its registers alone.
    if (!t->in_fault && t->vcpu == nullptr)
        t->context.x[0] = static_cast<uint64_t>(call_abi::Status::Interrupted);
    t->in_fault = false;
}

} // namespace kernel::ipc
