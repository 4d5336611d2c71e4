// Endpoint semantics on the host: call / reply / send / receive, queueing in both
// directions, badges, fault messages, cancellation.
#include "kernel_core_fixture.hpp"

namespace {

using kernel::ThreadState;
using kernel_test::KernelCore;
namespace ipc = kernel::ipc;

using Ipc = KernelCore;

TEST_F(Ipc, CallToWaitingReceiverAndReply) {
    kernel::Endpoint ep;
    auto* server = thread(60);
    auto* client = thread(50);
    ipc::receive(server, &ep);
    EXPECT_EQ(server->state, ThreadState::BlockedOnRecv);
    set_mrs(client, 100);
    ipc::send(client, &ep, 0x1234, true);
    EXPECT_EQ(client->state, ThreadState::BlockedOnReply);
    EXPECT_EQ(server->state, ThreadState::Ready);
    EXPECT_EQ(server->context.x[1], 0x1234u);
    for (unsigned i = 0; i < call_abi::kMessageRegisters; ++i)
        EXPECT_EQ(server->context.x[2 + i], 100 + i);
    EXPECT_EQ(kernel::scheduler().choose(&idle_), server);

    set_mrs(server, 200);
    EXPECT_TRUE(ipc::reply(server));
    EXPECT_EQ(client->state, ThreadState::Ready);
    EXPECT_EQ(status(client), call_abi::Status::Ok);
    EXPECT_EQ(client->context.x[7], 205u);
    EXPECT_FALSE(ipc::reply(server)) << "a reply is used once";
}

TEST_F(Ipc, CallerQueuesUntilReceive) {
    kernel::Endpoint ep;
    auto* a = thread(50);
    auto* b = thread(50);
    auto* server = thread(60);
    set_mrs(a, 1);
    set_mrs(b, 2);
    ipc::send(a, &ep, 11, true);
    ipc::send(b, &ep, 22, true);
    EXPECT_EQ(a->state, ThreadState::BlockedOnSend);
    ipc::receive(server, &ep);
    EXPECT_EQ(server->context.x[1], 11u) << "FIFO";
    EXPECT_EQ(a->state, ThreadState::BlockedOnReply);
    EXPECT_EQ(b->state, ThreadState::BlockedOnSend);
    ipc::reply(server);
    ipc::receive(server, &ep);
    EXPECT_EQ(server->context.x[1], 22u);
    EXPECT_EQ(server->context.x[2], 2u);
}

TEST_F(Ipc, SendDoesNotWaitForAReply) {
    kernel::Endpoint ep;
    auto* sender = thread(50);
    auto* receiver = thread(40);
    ipc::send(sender, &ep, 5, false);
    EXPECT_EQ(sender->state, ThreadState::BlockedOnSend);
    ipc::receive(receiver, &ep);
    EXPECT_EQ(sender->state, ThreadState::Ready);
    EXPECT_EQ(status(sender), call_abi::Status::Ok);
    EXPECT_EQ(receiver->reply_to, nullptr);
}

TEST_F(Ipc, FaultMessageLeavesRegistersAlone) {
    kernel::Endpoint ep;
    auto* handler = thread(90);
    auto* faulty = thread(10);
    set_mrs(faulty, 500);
    faulty->in_fault = true;
    for (uint64_t i = 0; i < 5; ++i)
        faulty->fault_message[i] = 900 + i;
    ipc::receive(handler, &ep);
    ipc::send(faulty, &ep, 3, true);
    EXPECT_EQ(handler->context.x[1], 3u);
    EXPECT_EQ(handler->context.x[2], 900u);
    EXPECT_EQ(handler->context.x[6], 904u);
    EXPECT_EQ(handler->context.x[7], 0u);
    set_mrs(handler, 7);
    EXPECT_TRUE(ipc::reply(handler));
    EXPECT_EQ(faulty->state, ThreadState::Ready);
    EXPECT_FALSE(faulty->in_fault);
    EXPECT_EQ(faulty->context.x[2], 500u) << "restart with the registers it faulted with";
}

TEST_F(Ipc, CancelTakesThreadsOutOfQueues) {
    kernel::Endpoint ep;
    auto* sender = thread(50);
    ipc::send(sender, &ep, 1, true);
    ipc::cancel(sender);
    EXPECT_TRUE(ep.senders.empty());
    EXPECT_EQ(status(sender), call_abi::Status::Interrupted);

    auto* server = thread(60);
    auto* caller = thread(50);
    ipc::receive(server, &ep);
    ipc::send(caller, &ep, 1, true);
    ipc::cancel(caller); // blocked on reply
    EXPECT_EQ(server->reply_to, nullptr);
    EXPECT_FALSE(ipc::reply(server));
}

} // namespace
