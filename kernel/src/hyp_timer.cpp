// CNTHP_TVAL/CTL_EL2 programming: a periodic tick of one timeslice.
#include "hyp_timer.hpp"

#include "sysreg.hpp"

namespace kernel::hyp_timer {
namespace {
uint64_t g_ticks = 0;
}

void start(uint32_t timeslice_us) {
    const uint64_t freq = BH_READ_SYSREG(cntfrq_el0);
    g_ticks = freq * timeslice_us / 1000000;
    rearm();
    BH_WRITE_SYSREG(cnthp_ctl_el2, 1); // enabled, not masked
}

void rearm() {
    BH_WRITE_SYSREG(cnthp_tval_el2, g_ticks);
}

} // namespace kernel::hyp_timer
