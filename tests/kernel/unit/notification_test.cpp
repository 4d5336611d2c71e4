// Notification semantics on the host: OR of badges, wait/poll, bound threads.
#include "kernel_core_fixture.hpp"

namespace {

using kernel::ThreadState;
using kernel_test::KernelCore;

using Notifications = KernelCore;

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

TEST_F(Notifications, BoundNotificationWakesReceive) {
    kernel::Endpoint ep;
    kernel::Notification n;
    auto* server = thread(60);
    server->bound_notification = &n;
    n.bound_thread = server;
    kernel::ipc::receive(server, &ep);
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
