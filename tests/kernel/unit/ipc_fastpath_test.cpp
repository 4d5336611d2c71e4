// The IPC fast path on the host: where it applies it leaves the same state the ordinary
// path (send / reply + receive, then the scheduler's choice) leaves; where it does not
// (another core, a priority that would not run next, a queued sender, a pending
// notification, no receiver or caller) it changes nothing and says so. Fault messages go
// in and restarts come out the same way as on the ordinary path.
#include "kernel_core_fixture.hpp"
#include "vcpu.hpp"

namespace {

using kernel::Thread;
using kernel::ThreadState;
using kernel_test::KernelCore;
namespace ipc = kernel::ipc;

class IpcFastPath : public KernelCore {
protected:
    // `server` waits in Recv on ep_; `client` is the running thread (the head of the
    // highest ready queue on core 0).
    void serve(Thread* server) { ipc::receive(server, &ep_); }
    Thread* running() { return kernel::scheduler().choose(&idle_); }

    // A call and its reply between a client at 50 and a server at `server_priority`,
    // with a thread at 20 ready: afterwards the run queues' bits say only 50 and 20.
    void round_trip_leaves_only_the_client_and_low_ready(unsigned server_priority) {
        auto* low = thread(20);
        auto* server = thread(server_priority);
        serve(server);
        auto* client = thread(50);
        ASSERT_EQ(running(), client);
        ASSERT_EQ(ipc::fast_call(client, &ep_, 1), server);
        EXPECT_EQ(running(), server);
        EXPECT_FALSE(kernel::scheduler().holds(client));
        ASSERT_EQ(ipc::fast_reply_recv(server, &ep_), client);
        EXPECT_EQ(running(), client);
        kernel::scheduler().remove(client);
        client->state = ThreadState::Inactive;
        EXPECT_EQ(running(), low) << "no bit left set for the server's priority or 50";
    }

    kernel::Endpoint ep_;
};

TEST_F(IpcFastPath, HandOverWithinOneBitmapWordKeepsTheBitsRight) {
    round_trip_leaves_only_the_client_and_low_ready(60); // 50 and 60: word 0 both
}

TEST_F(IpcFastPath, HandOverAcrossBitmapWordsKeepsTheBitsRight) {
    round_trip_leaves_only_the_client_and_low_ready(100); // word 1
}

TEST_F(IpcFastPath, CallToAHigherPriorityReceiverSwitchesToIt) {
    auto* server = thread(60);
    serve(server);
    auto* client = thread(50);
    ASSERT_EQ(running(), client);
    set_mrs(client, 100);
    EXPECT_EQ(ipc::fast_call(client, &ep_, 0x77), server);
    EXPECT_EQ(client->state, ThreadState::BlockedOnReply);
    EXPECT_EQ(client->replier, server);
    EXPECT_EQ(server->reply_to, client);
    EXPECT_EQ(server->state, ThreadState::Ready);
    EXPECT_EQ(server->blocked_endpoint, nullptr);
    EXPECT_EQ(server->context.x[1], 0x77u);
    EXPECT_EQ(server->context.x[7], 105u);
    EXPECT_EQ(running(), server) << "what the scheduler chooses anyway";
    EXPECT_TRUE(fake_smp::kicks.empty()) << "one core: no reschedule SGI";

    set_mrs(server, 200);
    EXPECT_EQ(ipc::fast_reply_recv(server, &ep_), client);
    EXPECT_EQ(client->state, ThreadState::Ready);
    EXPECT_EQ(status(client), call_abi::Status::Ok);
    EXPECT_EQ(client->context.x[1], 0u);
    EXPECT_EQ(client->context.x[7], 205u);
    EXPECT_EQ(server->state, ThreadState::BlockedOnRecv);
    EXPECT_EQ(server->reply_to, nullptr);
    EXPECT_EQ(ep_.receivers.front(), server);
    EXPECT_EQ(running(), client);
}

TEST_F(IpcFastPath, QueuesStayIntactWithSeveralWaitersAndReadyThreads) {
    auto* first = thread(60);
    auto* second = thread(60);
    serve(first);
    serve(second);
    auto* low = thread(20);
    auto* client = thread(50);
    ASSERT_EQ(running(), client);
    ASSERT_EQ(ipc::fast_call(client, &ep_, 9), first);
    EXPECT_EQ(ep_.receivers.front(), second) << "the second receiver still waits";
    EXPECT_EQ(second->prev, nullptr);
    EXPECT_EQ(second->next, nullptr);
    EXPECT_TRUE(kernel::scheduler().holds(first));
    EXPECT_FALSE(kernel::scheduler().holds(client));
    EXPECT_EQ(first->next, nullptr) << "alone in its ready queue, not linked to the receivers";
    ASSERT_EQ(ipc::fast_reply_recv(first, &ep_), client);
    EXPECT_EQ(ep_.receivers.front(), second) << "FIFO: back behind the other receiver";
    EXPECT_EQ(second->next, first);
    EXPECT_EQ(first->next, nullptr);
    EXPECT_TRUE(kernel::scheduler().holds(client));
    EXPECT_TRUE(kernel::scheduler().holds(low));
    EXPECT_EQ(running(), client);
}

TEST_F(IpcFastPath, EqualPriorityOnlyWhenTheCallerRanAlone) {
    auto* server = thread(50);
    serve(server);
    auto* client = thread(50);
    EXPECT_NE(ipc::fast_call(client, &ep_, 1), nullptr) << "alone at 50: the server runs next";

    auto* other = thread(40); // the queues now: server (50), other (40)
    ASSERT_EQ(running(), server);
    auto* peer = thread(50); // behind the server at 50
    EXPECT_EQ(ipc::fast_reply_recv(server, &ep_), nullptr)
        << "the client would queue behind peer: ordinary path";
    EXPECT_EQ(server->reply_to, client) << "nothing changed";
    EXPECT_EQ(client->state, ThreadState::BlockedOnReply);
    (void)other;
    (void)peer;
}

TEST_F(IpcFastPath, ReceiverThatWouldNotRunNextTakesTheOrdinaryPath) {
    auto* server = thread(40);
    serve(server);
    auto* client = thread(50);
    auto* middle = thread(45);
    EXPECT_EQ(ipc::fast_call(client, &ep_, 1), nullptr) << "middle (45) runs before the server";
    EXPECT_EQ(server->state, ThreadState::BlockedOnRecv);
    EXPECT_EQ(ep_.receivers.front(), server);
    EXPECT_EQ(client->state, ThreadState::Ready);

    kernel::scheduler().remove(middle);
    middle->state = ThreadState::Inactive;
    EXPECT_EQ(ipc::fast_call(client, &ep_, 1), server)
        << "lower than the caller, but the caller blocks and nothing else is ready";
    EXPECT_EQ(running(), server);
}

TEST_F(IpcFastPath, AHigherThreadMadeReadyMeanwhileRunsFirst) {
    auto* server = thread(60);
    serve(server);
    auto* client = thread(50);
    auto* hidden = thread(70); // made ready by another core; its kick has not arrived yet
    EXPECT_EQ(ipc::fast_call(client, &ep_, 1), nullptr);
    EXPECT_EQ(server->state, ThreadState::BlockedOnRecv);
    (void)hidden;
}

TEST_F(IpcFastPath, OtherCoreOrNoReceiverTakesTheOrdinaryPath) {
    auto* client = thread(50);
    EXPECT_EQ(ipc::fast_call(client, &ep_, 1), nullptr) << "nobody receives";
    auto* remote = thread(60, 1);
    fake_smp::executing_core = 1;
    serve(remote);
    fake_smp::executing_core = 0;
    EXPECT_EQ(ipc::fast_call(client, &ep_, 1), nullptr) << "receiver on core 1";
    EXPECT_EQ(remote->state, ThreadState::BlockedOnRecv);
    EXPECT_EQ(client->state, ThreadState::Ready);
}

TEST_F(IpcFastPath, ReplyRecvFallsBackWhenReceiveWouldNotBlock) {
    auto* server = thread(60);
    serve(server);
    auto* client = thread(50);
    ASSERT_NE(ipc::fast_call(client, &ep_, 1), nullptr);
    auto* queued = thread(10);
    ipc::send(queued, &ep_, 2, true); // a sender is waiting: receive takes it at once
    EXPECT_EQ(ipc::fast_reply_recv(server, &ep_), nullptr);
    EXPECT_EQ(server->reply_to, client);

    ep_.senders.remove(queued);
    queued->state = ThreadState::Inactive;
    kernel::Notification n;
    server->bound_notification = &n;
    n.pending = 4; // Recv returns Notified at once
    EXPECT_EQ(ipc::fast_reply_recv(server, &ep_), nullptr);
    n.pending = 0;
    EXPECT_EQ(ipc::fast_reply_recv(server, &ep_), client);
    server->bound_notification = nullptr;
}

TEST_F(IpcFastPath, ReplyToNobodyTakesTheOrdinaryPath) {
    auto* server = thread(60);
    EXPECT_EQ(ipc::fast_reply_recv(server, &ep_), nullptr) << "no caller";
    EXPECT_EQ(server->state, ThreadState::Ready);
}

TEST_F(IpcFastPath, FaultMessageInAndRestartOut) {
    auto* handler = thread(60);
    serve(handler);
    auto* faulty = thread(50);
    set_mrs(faulty, 500);
    faulty->in_fault = true;
    for (uint64_t i = 0; i < 6; ++i)
        faulty->fault_message[i] = 900 + i;
    ASSERT_EQ(ipc::fast_call(faulty, &ep_, 3), handler);
    EXPECT_EQ(handler->context.x[2], 900u) << "the fault message, not the registers";
    EXPECT_EQ(handler->context.x[7], 905u);
    EXPECT_EQ(faulty->state, ThreadState::BlockedOnReply);
    set_mrs(handler, 200);
    ASSERT_EQ(ipc::fast_reply_recv(handler, &ep_), faulty);
    EXPECT_FALSE(faulty->in_fault);
    EXPECT_EQ(faulty->context.x[2], 500u) << "restarts with its registers as they were";
    EXPECT_EQ(faulty->context.x[7], 505u);
    EXPECT_EQ(faulty->state, ThreadState::Ready);
    EXPECT_EQ(running(), faulty);
}

// A vCPU whose guest EOId interrupts the VMM has not heard of yet must exit again before it
// runs: its VMM's reply takes the ordinary path, which reports them.
TEST_F(IpcFastPath, AVcpuWithEoisToReportTakesTheOrdinaryPath) {
    auto* vmm = thread(60);
    serve(vmm);
    auto* vcpu_thread = thread(50);
    kernel::VcpuState vcpu;
    vcpu_thread->vcpu = &vcpu;
    vcpu_thread->in_fault = true; // its exit message
    ASSERT_EQ(ipc::fast_call(vcpu_thread, &ep_, 3), vmm);
    vcpu.pending_eoi = 1;
    EXPECT_EQ(ipc::fast_reply_recv(vmm, &ep_), nullptr);
    EXPECT_EQ(vmm->reply_to, vcpu_thread) << "nothing changed";
    EXPECT_EQ(vcpu_thread->state, ThreadState::BlockedOnReply);
    vcpu.pending_eoi = 0;
    EXPECT_EQ(ipc::fast_reply_recv(vmm, &ep_), vcpu_thread);
    vcpu_thread->vcpu = nullptr;
}

} // namespace
