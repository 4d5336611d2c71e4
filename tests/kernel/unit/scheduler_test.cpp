// Scheduler and capability lookup on the host.
#include "capability.hpp"
#include "domain.hpp"
#include "kernel_core_fixture.hpp"
#include "notification.hpp"

namespace {

using kernel_test::KernelCore;
using Scheduling = KernelCore;

TEST_F(Scheduling, HighestPriorityFirstRoundRobinWithin) {
    EXPECT_EQ(kernel::scheduler().choose(&idle_), &idle_);
    auto* low = thread(10);
    auto* a = thread(200);
    auto* b = thread(200);
    EXPECT_EQ(kernel::scheduler().choose(&idle_), a);
    kernel::scheduler().rotate(a);
    EXPECT_EQ(kernel::scheduler().choose(&idle_), b);
    kernel::scheduler().remove(a);
    kernel::scheduler().remove(b);
    a->state = b->state = kernel::ThreadState::Inactive;
    EXPECT_EQ(kernel::scheduler().choose(&idle_), low);
}

// Lazy scheduling: the running thread is in no queue. It goes on while nothing above it
// is queued (ties included: it is ahead of its priority), goes back to the head of its
// queue when a higher thread takes over, and to the tail when it yields.
TEST_F(Scheduling, TheRunningThreadIsInNoQueueAndKeepsItsTurn) {
    auto* a = thread(100);
    auto* b = thread(100);
    ASSERT_EQ(run(), a);
    EXPECT_FALSE(a->queued);
    EXPECT_FALSE(kernel::scheduler().holds(a));
    EXPECT_EQ(kernel::scheduler().choose(&idle_), b) << "b is queued";
    EXPECT_EQ(run(), a) << "an equal priority does not preempt";
    auto* high = thread(200);
    EXPECT_EQ(run(), high);
    EXPECT_TRUE(a->queued);
    kernel::scheduler().remove(high);
    high->state = kernel::ThreadState::Inactive;
    EXPECT_EQ(run(), a) << "preempted: still first of its priority";
    kernel::scheduler().rotate(a); // its timeslice ends
    EXPECT_EQ(run(), b);
    EXPECT_EQ(kernel::scheduler().choose(&idle_), a);
    kernel::scheduler().remove(b); // b blocks (the caller sets its state)
    b->state = kernel::ThreadState::Inactive;
    EXPECT_EQ(run(), a);
    kernel::scheduler().remove(a);
    a->state = kernel::ThreadState::Inactive;
    EXPECT_EQ(run(), &idle_);
}

// The tick's round-robin reason (tick_policy.hpp): a thread of the running one's priority
// waits in the queue. Higher or lower ones do not count, nor does the running thread.
TEST_F(Scheduling, APeerQueuedAtTheRunningPriorityAsksForTheTick) {
    auto* a = thread(100);
    ASSERT_EQ(run(), a);
    EXPECT_FALSE(kernel::scheduler().peer_queued(a)) << "alone: no tick";
    auto* low = thread(99);
    EXPECT_EQ(run(), a);
    EXPECT_FALSE(kernel::scheduler().peer_queued(a)) << "a lower thread waits for a to block";
    auto* b = thread(100);
    EXPECT_EQ(run(), a);
    EXPECT_TRUE(kernel::scheduler().peer_queued(a)) << "b shares a's time";
    kernel::scheduler().rotate(a);
    ASSERT_EQ(run(), b);
    EXPECT_TRUE(kernel::scheduler().peer_queued(b)) << "and a b's";
    kernel::scheduler().remove(a);
    a->state = kernel::ThreadState::Inactive;
    EXPECT_FALSE(kernel::scheduler().peer_queued(b));
    kernel::scheduler().remove(b);
    b->state = kernel::ThreadState::Inactive;
    ASSERT_EQ(run(), low);
    EXPECT_FALSE(kernel::scheduler().peer_queued(low));
}

// Another core suspends and resumes the running thread before this core enters the
// kernel again: the thread is running and queued at once. The fast path leaves it to the
// scheduler, which takes it from the queue.
TEST_F(Scheduling, ARunningThreadRequeuedElsewhereTakesNoFastPath) {
    auto* t = thread(100);
    ASSERT_EQ(run(), t);
    kernel::scheduler().remove(t); // from core 1
    t->state = kernel::ThreadState::Inactive;
    kernel::scheduler().make_ready(t);
    EXPECT_TRUE(t->queued);
    EXPECT_FALSE(kernel::scheduler().would_choose(t, 200));
    EXPECT_EQ(run(), t);
    EXPECT_FALSE(t->queued);
    EXPECT_TRUE(kernel::scheduler().would_choose(t, 200));
}

// Each core has its own queues: a thread pinned to core 1 never runs on core 0, and
// making it ready from core 0 sends core 1 the reschedule SGI.
TEST_F(Scheduling, ThreadsQueueOnTheirOwnCoreAndRemoteChangesKickIt) {
    auto* here = thread(10, 0);
    auto* there = thread(200, 1);
    EXPECT_EQ(kernel::scheduler(0).choose(&idle_), here);
    EXPECT_EQ(kernel::scheduler(1).choose(&idle_), there);
    EXPECT_EQ(fake_smp::kicks, std::vector<uint32_t>{1});
    kernel::scheduler_of(there).remove(there); // it may be running there: stop it
    EXPECT_EQ(fake_smp::kicks, (std::vector<uint32_t>{1, 1}));
    there->state = kernel::ThreadState::Inactive;
    EXPECT_EQ(kernel::scheduler(1).choose(&idle_), &idle_);
    kernel::scheduler_of(here).remove(here); // the executing core's own: no SGI
    EXPECT_EQ(fake_smp::kicks.size(), 2u);
}

// A notification signalled on core 0 wakes a waiter pinned to core 1 there.
TEST_F(Scheduling, CrossCoreWakeUpGoesToTheWaitersCore) {
    kernel::Notification n;
    auto* waiter = thread(10, 1);
    fake_smp::executing_core = 1;
    n.wait(waiter);
    fake_smp::executing_core = 0;
    fake_smp::kicks.clear();
    n.signal(4);
    EXPECT_EQ(waiter->state, kernel::ThreadState::Ready);
    EXPECT_EQ(kernel::scheduler(1).choose(&idle_), waiter);
    EXPECT_EQ(kernel::scheduler(0).choose(&idle_), &idle_);
    EXPECT_EQ(fake_smp::kicks, std::vector<uint32_t>{1});
}

TEST(Capabilities, LookupChecksSlotTypeAndRights) {
    kernel::Capability caps[3] = {
        {},
        {spec::CapType::Endpoint, 0, 5, spec::CapSend},
        {spec::CapType::Notification, 0, 1, spec::CapAll},
    };
    kernel::Domain d;
    d.caps = caps;
    d.cap_count = 3;
    call_abi::Status s;
    EXPECT_NE(kernel::lookup_cap(d, 1, spec::CapType::Endpoint, spec::CapSend, s), nullptr);
    EXPECT_EQ(s, call_abi::Status::Ok);
    kernel::lookup_cap(d, 0, spec::CapType::Endpoint, spec::CapSend, s);
    EXPECT_EQ(s, call_abi::Status::InvalidSlot);
    kernel::lookup_cap(d, 99, spec::CapType::Endpoint, spec::CapSend, s);
    EXPECT_EQ(s, call_abi::Status::InvalidSlot);
    kernel::lookup_cap(d, 2, spec::CapType::Endpoint, spec::CapSend, s);
    EXPECT_EQ(s, call_abi::Status::WrongType);
    kernel::lookup_cap(d, 1, spec::CapType::Endpoint, spec::CapReceive, s);
    EXPECT_EQ(s, call_abi::Status::NoRights);
}

} // namespace
