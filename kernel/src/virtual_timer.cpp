// CNTV_CTL_EL0 / CNTV_CVAL_EL0 switching and masking.
#include "virtual_timer.hpp"

#include "sysreg.hpp"

namespace kernel::vtimer {

void save(TimerState& s) {
    s.ctl = BH_READ_SYSREG(cntv_ctl_el0) & (kCtlEnable | kCtlImask);
    s.cval = BH_READ_SYSREG(cntv_cval_el0);
}

void load(const TimerState& s) {
    BH_WRITE_SYSREG(cntv_cval_el0, s.cval);
    BH_WRITE_SYSREG(cntv_ctl_el0, s.ctl);
}

void set_hw_mask(bool masked) {
    const uint64_t ctl = BH_READ_SYSREG(cntv_ctl_el0) & (kCtlEnable | kCtlImask);
    BH_WRITE_SYSREG(cntv_ctl_el0, masked ? (ctl | kCtlImask) : (ctl & ~kCtlImask));
    arch::isb();
}

bool due(const TimerState& s) {
    return (s.ctl & (kCtlEnable | kCtlImask)) == kCtlEnable && BH_READ_SYSREG(cntvct_el0) >= s.cval;
}

} // namespace kernel::vtimer
