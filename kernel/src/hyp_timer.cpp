// CNTHP_TVAL/CTL_EL2 programming: a periodic tick of one timeslice, stopped while the
// core does not need it (hyp_timer.hpp).
#include "hyp_timer.hpp"

#include "smp.hpp"
#include "sysreg.hpp"

namespace kernel::hyp_timer {
namespace {
uint64_t g_ticks = 0;
enum class Mode : uint8_t { Off, Periodic, Watchdog };
Mode g_mode[smp::kMaxCores] = {}; // each core's tick
bool g_started[smp::kMaxCores] = {};
uint64_t g_taken[smp::kMaxCores] = {};

void rearm() {
    BH_WRITE_SYSREG(cnthp_tval_el2, g_ticks);
}
} // namespace

void start(uint32_t timeslice_us) {
    const uint64_t freq = BH_READ_SYSREG(cntfrq_el0);
    g_ticks = freq * timeslice_us / 1000000;
    BH_WRITE_SYSREG(cnthp_ctl_el2, 0);
    g_started[smp::this_core()] = true;
}

void on_tick() {
    ++g_taken[smp::this_core()];
    rearm();
}

void set_needed(bool periodic, bool watchdog) {
    Mode& mode = g_mode[smp::this_core()];
    const Mode want = periodic ? Mode::Periodic : watchdog ? Mode::Watchdog : Mode::Off;
    if (want == mode && want != Mode::Watchdog) return; // a period keeps running
    if (want != Mode::Off) rearm();
    if ((mode == Mode::Off) != (want == Mode::Off))
        BH_WRITE_SYSREG(cnthp_ctl_el2, want == Mode::Off ? 0 : 1); // on (not masked) or off
    mode = want;
}

uint64_t taken(uint32_t core) {
    return g_taken[core];
}

bool started(uint32_t core) {
    return g_started[core];
}

} // namespace kernel::hyp_timer
