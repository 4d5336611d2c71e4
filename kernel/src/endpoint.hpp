// Endpoints: synchronous rendezvous between a sender (Send, Call, or a faulting
// thread) and a receiver, carrying a badge and the message registers.
#pragma once

#include "thread.hpp"

namespace kernel {

struct Endpoint {
    ThreadQueue senders;
    ThreadQueue receivers;
};

namespace ipc {

// `sender` offers its message on `ep`; blocks it if nobody receives. `call`: the
// sender then waits for a reply.
void send(Thread* sender, Endpoint* ep, uint64_t badge, bool call);
// `receiver` takes a message from `ep` (or its bound notification); blocks if none.
void receive(Thread* receiver, Endpoint* ep);
// Replies to the thread `replier` owes a reply; false if there is none.
bool reply(Thread* replier);
// Takes `t` out of whatever IPC or notification wait it is in (for suspend).
void cancel(Thread* t);

// The fast path (docs/ARCHITECTURE.md, "IPC fast path"): the same outcome as send() /
// reply() + receive() followed by the scheduler's choice, for the common case only — the
// thread woken is on the caller's core and the one the scheduler would run next; nothing
// waits on a send queue and no notification is pending. A call may be a fault or vCPU exit
// message (fault_message), a reply may restart a faulting thread or resume a vCPU
// (vcpu_exit::apply_reply); a vCPU with EOIs to report the kernel side checks first.
// Returns the thread to switch to, or nullptr with nothing changed (the ordinary path).
// `running` is the executing core's current thread, making the call.
Thread* fast_call(Thread* running, Endpoint* ep, uint64_t badge);
Thread* fast_reply_recv(Thread* running, Endpoint* ep);
// A call by `running` (a fault or vCPU exit message): the fast path, else send(); the
// thread to switch to, or nullptr (the scheduler chooses). One function so that the fast
// case needs no stack frame (the call to send() is the only one).
Thread* fast_call_or_send(Thread* running, Endpoint* ep, uint64_t badge);

} // namespace ipc
} // namespace kernel
