// Kernel calls on a vCPU from another core (kernel/src/vcpu_remote.hpp): when the state
// must be saved first, when a list-register write goes through the mailbox, and the
// mailbox itself.
#include "vcpu_remote.hpp"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace {

using kernel::vcpu_remote::Access;
using kernel::vcpu_remote::list_register_access;
using kernel::vcpu_remote::LrMailbox;
using kernel::vcpu_remote::Residence;
using kernel::vcpu_remote::state_access;

constexpr Residence kSaved{.same_core = false,
                           .running = false,
                           .el1_loaded = false,
                           .timer_loaded = false,
                           .gic_loaded = false};

TEST(VcpuRemote, OnItsOwnCoreEveryCallWorksAsBefore) {
    const Residence r{.same_core = true,
                      .running = false,
                      .el1_loaded = true,
                      .timer_loaded = true,
                      .gic_loaded = true};
    EXPECT_EQ(state_access(r), Access::Here);
    EXPECT_EQ(list_register_access(r), Access::Here);
}

TEST(VcpuRemote, FromAnotherCoreStateInMemoryIsUsedDirectly) {
    EXPECT_EQ(state_access(kSaved), Access::Here);
    EXPECT_EQ(list_register_access(kSaved), Access::Here);
}

TEST(VcpuRemote, FromAnotherCoreAnyLoadedPartMakesTheCallBusy) {
    Residence r = kSaved;
    r.running = true;
    EXPECT_EQ(state_access(r), Access::Busy);
    r = kSaved;
    r.el1_loaded = true;
    EXPECT_EQ(state_access(r), Access::Busy);
    r = kSaved;
    r.timer_loaded = true;
    EXPECT_EQ(state_access(r), Access::Busy);
    r = kSaved;
    r.gic_loaded = true;
    EXPECT_EQ(state_access(r), Access::Busy);
}

TEST(VcpuRemote, ListRegistersLoadedElsewhereArePostedNeverBusy) {
    Residence r = kSaved;
    r.gic_loaded = true;
    r.running = true;
    EXPECT_EQ(list_register_access(r), Access::Post);
    r.gic_loaded = false; // running with its list registers saved cannot happen, but: memory
    EXPECT_EQ(list_register_access(r), Access::Here);
    r = kSaved;
    r.el1_loaded = r.timer_loaded = true; // only the list registers matter
    EXPECT_EQ(list_register_access(r), Access::Here);
}

TEST(VcpuRemote, MailboxKeepsTheLastWordPerRegisterAndDrainsInOrder) {
    LrMailbox<4> box;
    EXPECT_TRUE(box.empty());
    EXPECT_TRUE(box.post(2, 0x10000020u));
    EXPECT_TRUE(box.post(0, 0x1u));
    EXPECT_TRUE(box.post(2, 0x10000021u)); // replaces the first word
    EXPECT_FALSE(box.post(4, 0x1u));       // no such register
    EXPECT_FALSE(box.empty());
    std::vector<std::pair<unsigned, uint32_t>> written;
    box.drain([&](unsigned i, uint32_t w) { written.emplace_back(i, w); });
    const std::vector<std::pair<unsigned, uint32_t>> expected{{0, 0x1u}, {2, 0x10000021u}};
    EXPECT_EQ(written, expected);
    EXPECT_TRUE(box.empty());
    box.drain([&](unsigned, uint32_t) { ADD_FAILURE() << "drained twice"; });
}

TEST(VcpuRemote, MailboxIsPendingOnlyForAPendingWord) {
    LrMailbox<4> box;
    box.post(1, 0); // a cleared register wakes nobody
    EXPECT_FALSE(box.pending());
    box.post(3, arm::gicv2::lr::kPending | 27u);
    EXPECT_TRUE(box.pending());
    box.drain([](unsigned, uint32_t) {});
    EXPECT_FALSE(box.pending());
}

} // namespace
