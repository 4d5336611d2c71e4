// Notification semantics on the host: OR of badges, wait/poll, bound threads.
#include "kernel_core_fixture.hpp"

namespace {

using kernel::ThreadState;
using kernel_test::KernelCore;

struct Notifications : KernelCore {
    // A server bound to `n`, blocked receiving on `ep`.
    kernel::Thread* receiving_bound(kernel::Notification& n, kernel::Endpoint& ep) {
        auto* server = thread(60);
        server->bound_notification = &n;
        n.bound_thread = server;
        kernel::ipc::receive(server, &ep);
        return server;
    }
};

TEST_F(Notifications, BadgesAccumulateUntilWaited) {
    kernel::Notification n;
    auto* waiter = thread(10);
    n.signal(1);
    n.signal(2);
    n.signal(4);
    n.wait(waiter);
    EXPECT_EQ(waiter->state, ThreadState::Ready);
    EXPECT_EQ(waiter->context.x[1], 7u);
    EXPECT_EQ(n.poll(), 0u);
}

// The signal fast path: a higher waiter on this core takes the bits and runs next (in no
// queue), the signaller goes back to the head of its queue — what signal() and the
// scheduler's choice give. Otherwise nothing changes.
TEST_F(Notifications, FastSignalSwitchesToAHigherWaiterAndQueuesTheSignaller) {
    kernel::Notification n;
    auto* waiter = thread(70);
    n.wait(waiter);
    auto* peer = thread(40);
    auto* signaller = thread(40);
    ASSERT_EQ(run(), peer);
    kernel::scheduler().rotate(peer);
    ASSERT_EQ(run(), signaller);
    n.pending = 2;
    ASSERT_EQ(n.fast_signal(signaller, 4), waiter);
    EXPECT_EQ(waiter->state, ThreadState::Ready);
    EXPECT_FALSE(waiter->queued);
    EXPECT_EQ(waiter->context.x[1], 6u);
    EXPECT_EQ(n.pending, 0u);
    EXPECT_EQ(status(signaller), call_abi::Status::Ok);
    EXPECT_TRUE(signaller->queued);
    EXPECT_EQ(kernel::scheduler().choose(&idle_), signaller) << "ahead of peer, as before";
    EXPECT_EQ(switched(waiter), waiter);
    EXPECT_TRUE(fake_smp::kicks.empty());
}

TEST_F(Notifications, FastSignalLeavesEverythingElseToTheOrdinaryPath) {
    kernel::Notification n;
    auto* signaller = thread(40);
    ASSERT_EQ(run(), signaller);
    EXPECT_EQ(n.fast_signal(signaller, 1), nullptr) << "no waiter";
    auto* low = thread(30);
    n.wait(low);
    EXPECT_EQ(n.fast_signal(signaller, 1), nullptr) << "the signaller goes on";
    n.waiters.remove(low);
    low->state = ThreadState::Inactive;
    auto* remote = thread(70, 1);
    n.wait(remote);
    EXPECT_EQ(n.fast_signal(signaller, 1), nullptr) << "another core's";
    n.waiters.remove(remote);
    remote->state = ThreadState::Inactive;
    auto* waiter = thread(60);
    n.wait(waiter);
    auto* above = thread(60); // queued at the waiter's priority: it runs first
    EXPECT_EQ(n.fast_signal(signaller, 1), nullptr);
    EXPECT_EQ(waiter->state, ThreadState::BlockedOnNotification) << "nothing changed";
    EXPECT_FALSE(signaller->queued);
    EXPECT_EQ(n.pending, 0u);
    (void)above;
}

TEST_F(Notifications, SignalWakesAWaiter) {
    kernel::Notification n;
    auto* waiter = thread(10);
    n.wait(waiter);
    EXPECT_EQ(waiter->state, ThreadState::BlockedOnNotification);
    n.signal(8);
    EXPECT_EQ(waiter->state, ThreadState::Ready);
    EXPECT_EQ(waiter->context.x[1], 8u);
    EXPECT_EQ(n.pending, 0u);
}

// A chained word keeps its own bits and raises one bit of its parent, which wakes the
// parent's bound thread; the thread then polls the chained word for the sources.
TEST_F(Notifications, AChainedWordSignalsItsParentAndKeepsItsBits) {
    kernel::Endpoint ep;
    kernel::Notification parent;
    kernel::Notification chained;
    chained.parent = &parent;
    chained.parent_badge = uint64_t{1} << 63;
    auto* vmm = receiving_bound(parent, ep);
    chained.signal(0x5);
    EXPECT_EQ(vmm->state, ThreadState::Ready);
    EXPECT_EQ(status(vmm), call_abi::Status::Notified);
    EXPECT_EQ(vmm->context.x[1], uint64_t{1} << 63);
    chained.signal(0x100); // the parent's bit is pending again, the chained word OR-s
    parent.signal(0x2);    // a source of the parent's own word
    EXPECT_EQ(parent.poll(), (uint64_t{1} << 63) | 0x2);
    EXPECT_EQ(chained.poll(), 0x105u);
    EXPECT_EQ(chained.poll(), 0u);
}

TEST_F(Notifications, BoundNotificationWakesReceive) {
    kernel::Endpoint ep;
    kernel::Notification n;
    auto* server = receiving_bound(n, ep);
    n.signal(0x10);
    EXPECT_EQ(server->state, ThreadState::Ready);
    EXPECT_EQ(status(server), call_abi::Status::Notified);
    EXPECT_EQ(server->context.x[1], 0x10u);
    EXPECT_TRUE(ep.receivers.empty());
}

TEST_F(Notifications, PendingBoundBitsAnswerReceiveAtOnce) {
    kernel::Endpoint ep;
    kernel::Notification n;
    auto* server = thread(60);
    server->bound_notification = &n;
    n.bound_thread = server;
    n.signal(3);
    kernel::ipc::receive(server, &ep);
    EXPECT_EQ(server->state, ThreadState::Ready);
    EXPECT_EQ(status(server), call_abi::Status::Notified);
    EXPECT_EQ(server->context.x[1], 3u);
}

} // namespace
