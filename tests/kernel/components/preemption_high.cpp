// kernel_preemption high-priority thread: sleeps on its own timer (EL1 physical
// timer, delivered through an IRQ handler and a notification) while two
// low-priority spinners run, and checks that it wakes every tick and that both
// equal-priority spinners make progress.
#include "components/preemption_slots.hpp"

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>

using namespace runtime;
using namespace preemption_test;

namespace {

void arm_timer(uint64_t ticks) {
    asm volatile("msr cntp_tval_el0, %0" ::"r"(ticks));
    asm volatile("msr cntp_ctl_el0, %0" ::"r"(uint64_t{1}));
    asm volatile("isb");
}

} // namespace

extern "C" void component_main(uint64_t) {
    const NotificationCap n(Slot{kNotificationSlot});
    const IrqHandlerCap irq(Slot{kIrqSlot});
    auto* counters = reinterpret_cast<volatile const uint64_t*>(kCountersIpa);
    uint64_t freq;
    asm volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    const uint64_t period = freq / kTickHz;
    arm_timer(period);
    uint64_t first[2] = {}, last[2] = {};
    unsigned stalls = 0;
    for (unsigned tick = 1; tick <= kTicks; ++tick) {
        uint64_t bits = 0;
        n.wait(bits);
        arm_timer(period);
        irq.ack();
        const uint64_t now[2] = {counters[0], counters[1]};
        if (tick == 2) {
            first[0] = now[0];
            first[1] = now[1];
        }
        if (tick > 2 && (now[0] == last[0] || now[1] == last[1])) ++stalls;
        last[0] = now[0];
        last[1] = now[1];
    }
    out() << "high: woke " << Dec{kTicks} << " times with spinners running\n";
    out() << "spinners progressed " << Dec{last[0] - first[0]} << " and " << Dec{last[1] - first[1]}
          << ", ticks where one stood still: " << Dec{stalls} << "\n";
    if (last[0] > first[0] && last[1] > first[1]) out() << "preemption: both spinners progressed\n";
    out() << "fp state errors: " << Dec{counters[kFpErrorSlot]} << "\n";
    SystemControlCap(Slot{kPowerSlot}).power_off();
}
