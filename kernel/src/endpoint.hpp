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

} // namespace ipc
} // namespace kernel
