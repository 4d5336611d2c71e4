// CNTHP_TVAL/CTL_EL2 programming: a tick of one timeslice, periodic or one-shot, stopped
// while the core does not need it (hyp_timer.hpp).
#include "hyp_timer.hpp"

#include "smp.hpp"
#include "sysreg.hpp"

namespace kernel::hyp_timer {
namespace {
uint64_t g_ticks = 0;
tick::Mode g_mode[smp::kMaxCores] = {}; // each core's, written only by that core
bool g_started[smp::kMaxCores] = {};
uint64_t g_taken[smp::kMaxCores] = {};
bool g_ticked[smp::kMaxCores] = {}; // a tick came since the last set() (tick::program)

void rearm() {
    BH_WRITE_SYSREG(cnthp_tval_el2, g_ticks);
}
} // namespace

void start(uint32_t timeslice_us) {
    const uint64_t freq = BH_READ_SYSREG(cntfrq_el0);
    g_ticks = freq * timeslice_us / 1000000;
    BH_WRITE_SYSREG(cnthp_ctl_el2, 0);
    g_mode[smp::this_core()] = tick::Mode::Off;
    g_started[smp::this_core()] = true;
}

void on_tick() {
    ++g_taken[smp::this_core()];
    g_ticked[smp::this_core()] = true;
    rearm();
}

void set(tick::Mode want) {
    const uint32_t core = smp::this_core();
    const tick::Program p = tick::program(g_mode[core], want, g_ticked[core]);
    if (p.rearm) rearm();
    if (p.enable) BH_WRITE_SYSREG(cnthp_ctl_el2, 1); // enabled, not masked
    if (p.disable) BH_WRITE_SYSREG(cnthp_ctl_el2, 0);
    g_mode[core] = p.next;
    g_ticked[core] = false;
}

uint64_t taken(uint32_t core) {
    return g_taken[core];
}

bool started(uint32_t core) {
    return g_started[core];
}

} // namespace kernel::hyp_timer
