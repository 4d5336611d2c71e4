// When a core needs its 5 ms tick (hyp_timer.hpp), decided from facts the kernel gathers
// as it leaves into a thread; portable, so host tests check each decision with small fakes.
// Every tick is an exit of the guest running there, and under QEMU an idle core woken 200
// times a second takes the host CPU from the cores with work (and spins on the kernel lock
// while one of them holds it): a core runs without a tick unless one of these asks for it.
#pragma once

#include <cstdint>

namespace kernel::tick {

enum class Mode : uint8_t {
    Off,      // no tick
    Periodic, // a tick every timeslice, its period kept across switches
    Watchdog, // one tick a timeslice after the last switch that asked for it
};

// What one vCPU of the executing core needs the tick for.
struct VcpuFacts {
    bool blocked_in_wfi = false; // ThreadState::BlockedOnVirq
    bool stopped = false;        // ThreadState::Inactive: runs and waits for nothing
    bool timer_loaded = false;   // its virtual timer is the one in this core's hardware
    bool timer_armed = false;    // its (saved) timer is enabled and not masked
    // The kernel masked its timer for an interrupt whose EOI it only sees at an exit, or
    // EOIs of the VMM's list registers ride on its next exit (vcpu_abi.hpp).
    bool exit_owed = false;
};

struct Needs {
    // vcpu::tick() polls the timer of a WFI-blocked vCPU whose timer another vCPU's
    // displaced from the hardware: nothing else notices when it is due.
    bool poll_timer = false;
    // A vCPU that may run (or does) owes an exit within a timeslice: the watchdog makes
    // one if the guest takes none (a busy guest that EOIs its timer interrupt without
    // rewriting CNTV_CTL would wait for its timer forever; a VMM waits for the EOI report).
    // Also for a vCPU in an exit: its VMM's reply resumes it by the fast path, which does
    // not decide the tick again.
    bool watchdog = false;
};

constexpr Needs operator|(Needs a, Needs b) {
    return {.poll_timer = a.poll_timer || b.poll_timer, .watchdog = a.watchdog || b.watchdog};
}

constexpr Needs needs_of(const VcpuFacts& v) {
    if (v.stopped) return {};
    if (v.blocked_in_wfi) return {.poll_timer = !v.timer_loaded && v.timer_armed};
    return {.watchdog = v.exit_owed};
}

// The tick for the thread about to run. `peer_queued`: a thread of its priority waits in
// its core's queue (round robin; the running thread is in no queue). Those and polled
// timers need the period; otherwise a vCPU owing an exit needs the watchdog.
constexpr Mode mode_for(bool peer_queued, Needs vcpus) {
    if (peer_queued || vcpus.poll_timer) return Mode::Periodic;
    return vcpus.watchdog ? Mode::Watchdog : Mode::Off;
}

// The CNTHP register writes that take the tick from `now` to `want`, and the mode it runs
// in then. A tick that is no longer needed is stopped only by a tick (`ticked`: one came
// since the last decision) that finds it so, not at the switch: a core whose threads
// take turns (a console flood: server, vCPU, VMM) would otherwise stop and start it at
// nearly every switch, and under QEMU each start reprograms a host timer (which may wake
// QEMU's main loop). It costs one tick more at the end of a busy spell.
struct Program {
    bool rearm = false;   // CNTHP_TVAL_EL2: the next tick a timeslice from now
    bool enable = false;  // CNTHP_CTL_EL2: on (not masked)
    bool disable = false; // CNTHP_CTL_EL2: off (its level interrupt goes away too)
    Mode next = Mode::Off;
};

constexpr Program program(Mode now, Mode want, bool ticked) {
    if (want == Mode::Off) {
        if (now == Mode::Off || !ticked) return {.next = now};
        return {.disable = true, .next = Mode::Off};
    }
    // A running tick keeps its phase for a period (each tick rearms it); a watchdog starts
    // again at each switch that asks for it.
    return {.rearm = want == Mode::Watchdog || now == Mode::Off,
            .enable = now == Mode::Off,
            .next = want};
}

} // namespace kernel::tick
