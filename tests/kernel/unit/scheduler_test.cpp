// Scheduler and capability lookup on the host.
#include "capability.hpp"
#include "domain.hpp"
#include "kernel_core_fixture.hpp"

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
