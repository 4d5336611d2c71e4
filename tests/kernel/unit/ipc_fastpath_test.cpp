// The IPC fast path on the host: where it applies it leaves the same state the ordinary
// path (send / reply + receive, then the scheduler's choice) leaves — the thread switched
// to runs in no run queue, as the scheduler's choice would; where it does not
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
    // `server` waits in Recv on ep_ (the running thread is chosen by run() afterwards).
    void serve(Thread* server) { ipc::receive(server, &ep_); }

    // A call and its reply between a client at 50 and a server at `server_priority`,
    // with a thread at 20 ready: neither touches a run queue, and afterwards the
    // queues' bits say only 20.
    void round_trip_leaves_only_low_queued(unsigned server_priority) {
        auto* low = thread(20);
        auto* server = thread(server_priority);
        serve(server);
        auto* client = thread(50);
        ASSERT_EQ(run(), client);
        EXPECT_FALSE(client->queued) << "the running thread is in no queue";
        ASSERT_EQ(ipc::fast_call(client, &ep_, 1), server);
        EXPECT_FALSE(server->queued);
        EXPECT_EQ(switched(server), server) << "what the scheduler chooses anyway";
        ASSERT_EQ(ipc::fast_reply_recv(server, &ep_), client);
        EXPECT_FALSE(client->queued);
        EXPECT_EQ(switched(client), client);
        kernel::scheduler().remove(client);
        client->state = ThreadState::Inactive;
        EXPECT_EQ(run(), low) << "no bit left set for the server's priority or 50";
    }

    kernel::Endpoint ep_;
};

TEST_F(IpcFastPath, RoundTripWithinOneBitmapWordLeavesTheBitsRight) {
    round_trip_leaves_only_low_queued(60); // 50 and 60: word 0 both
}

TEST_F(IpcFastPath, RoundTripAcrossBitmapWordsLeavesTheBitsRight) {
    round_trip_leaves_only_low_queued(100); // word 1
}

TEST_F(IpcFastPath, CallToAHigherPriorityReceiverSwitchesToIt) {
    auto* server = thread(60);
    serve(server);
    auto* client = thread(50);
    ASSERT_EQ(run(), client);
    set_mrs(client, 100);
    EXPECT_EQ(ipc::fast_call(client, &ep_, 0x77), server);
    EXPECT_EQ(client->state, ThreadState::BlockedOnReply);
    EXPECT_EQ(client->replier, server);
    EXPECT_EQ(server->reply_to, client);
    EXPECT_EQ(server->state, ThreadState::Ready);
    EXPECT_EQ(server->blocked_endpoint, nullptr);
    EXPECT_EQ(server->context.x[1], 0x77u);
    EXPECT_EQ(server->context.x[7], 105u);
    EXPECT_EQ(switched(server), server) << "what the scheduler chooses anyway";
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
    EXPECT_EQ(switched(client), client);
}

TEST_F(IpcFastPath, QueuesStayIntactWithSeveralWaitersAndReadyThreads) {
    auto* first = thread(60);
    auto* second = thread(60);
    serve(first);
    serve(second);
    auto* low = thread(20);
    auto* client = thread(50);
    ASSERT_EQ(run(), client);
    ASSERT_EQ(ipc::fast_call(client, &ep_, 9), first);
    EXPECT_EQ(ep_.receivers.front(), second) << "the second receiver still waits";
    EXPECT_EQ(second->prev, nullptr);
    EXPECT_EQ(second->next, nullptr);
    EXPECT_FALSE(kernel::scheduler().holds(first)) << "runs next, in no queue";
    EXPECT_FALSE(kernel::scheduler().holds(client));
    EXPECT_EQ(first->next, nullptr) << "not linked to the receivers";
    EXPECT_EQ(switched(first), first);
    ASSERT_EQ(ipc::fast_reply_recv(first, &ep_), client);
    EXPECT_EQ(ep_.receivers.front(), second) << "FIFO: back behind the other receiver";
    EXPECT_EQ(second->next, first);
    EXPECT_EQ(first->next, nullptr);
    EXPECT_FALSE(kernel::scheduler().holds(client));
    EXPECT_TRUE(kernel::scheduler().holds(low));
    EXPECT_EQ(switched(client), client);
}

TEST_F(IpcFastPath, EqualPriorityOnlyWhenTheCallerRanAlone) {
    auto* server = thread(50);
    serve(server);
    auto* client = thread(50);
    ASSERT_EQ(run(), client);
    EXPECT_EQ(ipc::fast_call(client, &ep_, 1), server) << "alone at 50: the server runs next";

    auto* other = thread(40); // running: server (50); queued: other (40)
    ASSERT_EQ(switched(server), server);
    auto* peer = thread(50); // queued at 50
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
    ASSERT_EQ(run(), client);
    EXPECT_EQ(ipc::fast_call(client, &ep_, 1), nullptr) << "middle (45) runs before the server";
    EXPECT_EQ(server->state, ThreadState::BlockedOnRecv);
    EXPECT_EQ(ep_.receivers.front(), server);
    EXPECT_EQ(client->state, ThreadState::Ready);

    kernel::scheduler().remove(middle);
    middle->state = ThreadState::Inactive;
    EXPECT_EQ(ipc::fast_call(client, &ep_, 1), server)
        << "lower than the caller, but the caller blocks and nothing else is ready";
    EXPECT_EQ(switched(server), server);
}

TEST_F(IpcFastPath, AHigherThreadMadeReadyMeanwhileRunsFirst) {
    auto* server = thread(60);
    serve(server);
    auto* client = thread(50);
    ASSERT_EQ(run(), client);
    auto* hidden = thread(70); // made ready by another core; its kick has not arrived yet
    EXPECT_EQ(ipc::fast_call(client, &ep_, 1), nullptr);
    EXPECT_EQ(server->state, ThreadState::BlockedOnRecv);
    (void)hidden;
}

TEST_F(IpcFastPath, OtherCoreOrNoReceiverTakesTheOrdinaryPath) {
    auto* client = thread(50);
    ASSERT_EQ(run(), client);
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
    ASSERT_EQ(run(), client);
    ASSERT_EQ(ipc::fast_call(client, &ep_, 1), server);
    ASSERT_EQ(switched(server), server);
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
    ASSERT_EQ(run(), server);
    EXPECT_EQ(ipc::fast_reply_recv(server, &ep_), nullptr) << "no caller";
    EXPECT_EQ(server->state, ThreadState::Ready);
}

TEST_F(IpcFastPath, FaultMessageInAndRestartOut) {
    auto* handler = thread(60);
    serve(handler);
    auto* faulty = thread(50);
    ASSERT_EQ(run(), faulty);
    set_mrs(faulty, 500);
    faulty->in_fault = true;
    for (uint64_t i = 0; i < 6; ++i)
        faulty->fault_message[i] = 900 + i;
    ASSERT_EQ(ipc::fast_call(faulty, &ep_, 3), handler);
    EXPECT_EQ(handler->context.x[2], 900u) << "the fault message, not the registers";
    EXPECT_EQ(handler->context.x[7], 905u);
    EXPECT_EQ(faulty->state, ThreadState::BlockedOnReply);
    ASSERT_EQ(switched(handler), handler);
    set_mrs(handler, 200);
    ASSERT_EQ(ipc::fast_reply_recv(handler, &ep_), faulty);
    EXPECT_FALSE(faulty->in_fault);
    EXPECT_EQ(faulty->context.x[2], 500u) << "restarts with its registers as they were";
    EXPECT_EQ(faulty->context.x[7], 505u);
    EXPECT_EQ(faulty->state, ThreadState::Ready);
    EXPECT_EQ(switched(faulty), faulty);
}

// A vCPU whose guest EOId interrupts the VMM has not heard of yet: the report rides on its
// next exit, so its VMM's reply takes the fast path; once the report is due (vcpu_abi.hpp)
// the vCPU must exit again before it runs, and the reply takes the ordinary path, which
// reports them.
TEST_F(IpcFastPath, AVcpuWithAnEoiReportDueTakesTheOrdinaryPath) {
    auto* vmm = thread(60);
    serve(vmm);
    auto* vcpu_thread = thread(50);
    ASSERT_EQ(run(), vcpu_thread);
    kernel::VcpuState vcpu;
    vcpu_thread->vcpu = &vcpu;
    vcpu_thread->in_fault = true; // its exit message
    ASSERT_EQ(ipc::fast_call(vcpu_thread, &ep_, 3), vmm);
    ASSERT_EQ(switched(vmm), vmm);
    vcpu.pending_eoi = 1;
    vcpu.eoi_due = true;
    EXPECT_EQ(ipc::fast_reply_recv(vmm, &ep_), nullptr);
    EXPECT_EQ(vmm->reply_to, vcpu_thread) << "nothing changed";
    EXPECT_EQ(vcpu_thread->state, ThreadState::BlockedOnReply);
    vcpu.eoi_due = false; // pending, riding on the next exit
    EXPECT_EQ(ipc::fast_reply_recv(vmm, &ep_), vcpu_thread);
    vcpu_thread->vcpu = nullptr;
}

} // namespace
