// The tick's decisions (kernel/src/tick_policy.hpp): which vCPU facts ask for it, which
// mode a switch chooses, and the CNTHP writes that take one mode to another.
#include "tick_policy.hpp"

#include <gtest/gtest.h>

namespace {

using kernel::tick::Mode;
using kernel::tick::mode_for;
using kernel::tick::Needs;
using kernel::tick::needs_of;
using kernel::tick::VcpuFacts;

constexpr VcpuFacts kWfiUnloadedArmed{.blocked_in_wfi = true, .timer_armed = true};

TEST(TickPolicy, AWfiBlockedVcpuWhoseArmedTimerIsNotLoadedIsPolled) {
    EXPECT_TRUE(needs_of(kWfiUnloadedArmed).poll_timer);
    VcpuFacts loaded = kWfiUnloadedArmed;
    loaded.timer_loaded = true;
    EXPECT_FALSE(needs_of(loaded).poll_timer) << "its own interrupt wakes it";
    VcpuFacts unarmed = kWfiUnloadedArmed;
    unarmed.timer_armed = false;
    EXPECT_FALSE(needs_of(unarmed).poll_timer) << "disabled or masked: never due";
    EXPECT_FALSE(needs_of(kWfiUnloadedArmed).watchdog);
}

TEST(TickPolicy, AVcpuOwingAnExitGetsTheWatchdogUnlessItWaitsInWfiOrIsStopped) {
    EXPECT_TRUE(needs_of({.exit_owed = true}).watchdog) << "running, queued or in an exit";
    EXPECT_FALSE(needs_of({.exit_owed = true}).poll_timer);
    EXPECT_FALSE(needs_of({.blocked_in_wfi = true, .exit_owed = true}).watchdog)
        << "its wake-up passes the scheduler, which decides again";
    EXPECT_FALSE(needs_of({.stopped = true, .timer_armed = true, .exit_owed = true}).watchdog);
    EXPECT_FALSE(needs_of({.stopped = true, .timer_armed = true, .exit_owed = true}).poll_timer);
    EXPECT_FALSE(needs_of({}).watchdog) << "nothing owed";
}

TEST(TickPolicy, ACoreAloneWithNothingOwedTakesNoTick) {
    EXPECT_EQ(mode_for(false, {}), Mode::Off) << "idle, or one thread alone at its priority";
    EXPECT_EQ(mode_for(true, {}), Mode::Periodic) << "round robin";
    EXPECT_EQ(mode_for(false, {.poll_timer = true}), Mode::Periodic);
    EXPECT_EQ(mode_for(false, {.watchdog = true}), Mode::Watchdog);
    EXPECT_EQ(mode_for(true, {.watchdog = true}), Mode::Periodic) << "the period covers it";
    const Needs both = needs_of(kWfiUnloadedArmed) | needs_of({.exit_owed = true});
    EXPECT_TRUE(both.poll_timer && both.watchdog) << "reasons of several vCPUs add up";
}

TEST(TickPolicy, APeriodKeepsItsPhaseAWatchdogStartsAgain) {
    using kernel::tick::program;
    for (bool ticked : {false, true}) {
        const auto on = program(Mode::Off, Mode::Periodic, ticked);
        EXPECT_TRUE(on.rearm && on.enable && !on.disable);
        EXPECT_EQ(on.next, Mode::Periodic);
        const auto keep = program(Mode::Periodic, Mode::Periodic, ticked);
        EXPECT_FALSE(keep.rearm || keep.enable || keep.disable) << "a tick rearms it each time";
        const auto again = program(Mode::Watchdog, Mode::Watchdog, ticked);
        EXPECT_TRUE(again.rearm && !again.enable && !again.disable)
            << "a timeslice after this switch";
        const auto arm = program(Mode::Off, Mode::Watchdog, ticked);
        EXPECT_TRUE(arm.rearm && arm.enable);
        EXPECT_EQ(arm.next, Mode::Watchdog);
        const auto to_period = program(Mode::Watchdog, Mode::Periodic, ticked);
        EXPECT_FALSE(to_period.rearm || to_period.enable) << "it runs: the tick rearms it";
        EXPECT_EQ(to_period.next, Mode::Periodic);
        const auto to_watchdog = program(Mode::Periodic, Mode::Watchdog, ticked);
        EXPECT_TRUE(to_watchdog.rearm && !to_watchdog.enable);
        EXPECT_EQ(to_watchdog.next, Mode::Watchdog);
    }
}

// A tick no longer needed stops at its next tick, not at the switch: threads taking turns
// would otherwise start and stop it at nearly every switch.
TEST(TickPolicy, OnlyATickStopsTheTick) {
    using kernel::tick::program;
    for (Mode now : {Mode::Periodic, Mode::Watchdog}) {
        const auto at_switch = program(now, Mode::Off, false);
        EXPECT_FALSE(at_switch.rearm || at_switch.enable || at_switch.disable) << "no write";
        EXPECT_EQ(at_switch.next, now) << "runs on until it ticks";
        const auto at_tick = program(now, Mode::Off, true);
        EXPECT_TRUE(at_tick.disable && !at_tick.rearm && !at_tick.enable);
        EXPECT_EQ(at_tick.next, Mode::Off);
    }
    for (bool ticked : {false, true}) {
        const auto stay_off = program(Mode::Off, Mode::Off, ticked);
        EXPECT_FALSE(stay_off.rearm || stay_off.enable || stay_off.disable) << "no write";
        EXPECT_EQ(stay_off.next, Mode::Off);
    }
}

} // namespace
