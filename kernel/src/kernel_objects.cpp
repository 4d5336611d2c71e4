// Object storage and the exit path from the kernel into the chosen thread.
#include "kernel_objects.hpp"

#include "fp_switch.hpp"
#include "hyp_timer.hpp"
#include "kernel_lock.hpp"
#include "ram_scrub.hpp"
#include "scheduler.hpp"
#include "sysreg.hpp"
#include "vcpu.hpp"

extern "C" [[noreturn]] void restore_context(kernel::Context* ctx);

namespace kernel {

namespace {
KernelObjects g_objects;
CoreState g_cores[smp::kMaxCores];

// TPIDR_EL0 is readable and writable at EL0 (a guest's EL0 and EL1 too): each thread's
// value goes with it, so no thread reads what another (of any domain) left there. Only on
// a change of thread.
inline void switch_thread_register(Thread* prev, const Thread* next) {
    if (prev == next) return;
    if (prev != nullptr) prev->tpidr_el0 = BH_READ_SYSREG(tpidr_el0);
    BH_WRITE_SYSREG(tpidr_el0, next->tpidr_el0);
}

// A core whose threads have all blocked zeroes RAM left for the first touch
// (ram_scrub::zero_next_chunk), a 2 MiB chunk at a time, the kernel lock let go between
// chunks, until an interrupt is pending (ISR_EL1 shows the physical one at EL2): an
// interrupt waits at most one chunk (tens of microseconds on a Cortex-A53, about 2 ms
// under QEMU). Only a core that had work does this: cores without threads stay idle (under
// QEMU on a host with fewer CPUs they would take it from the cores with work).
// The reschedule SGIs this entry asked for go out before the first chunk.
void scrub_while_idle() {
    constexpr uint64_t kIsrIrq = 1u << 7;
    if (!ram_scrub::idle_work_left()) return;
    do {
        kernel_lock::release();
        smp::send_kicks();
        kernel_lock::acquire();
    } while ((BH_READ_SYSREG(isr_el1) & kIsrIrq) == 0 && ram_scrub::zero_next_chunk());
}
} // namespace

KernelObjects& objects() {
    return g_objects;
}
CoreState& core() {
    return g_cores[smp::this_core()];
}
CoreState& core(uint32_t index) {
    return g_cores[index];
}

void switch_native(Thread* next) {
    // Everything read once into locals: the system register writes are barriers to the
    // compiler, which would load the fields again after each.
    CoreState& c = core(next->core); // this core: the fast paths stay on one core
    switch_thread_register(c.current, next);
    c.current = next;
    const Domain* d = next->domain;
    const Domain* was = c.active_domain;
    if (d != was) {
        BH_WRITE_SYSREG(vttbr_el2, d->space.vttbr());
        if (was->cntkctl != d->cntkctl) BH_WRITE_SYSREG(cntkctl_el1, d->cntkctl);
        arch::isb();
        c.active_domain = d;
    }
    // A hand-over into a queue with peers needs the tick (hyp_timer.hpp); it is only
    // stopped in switch_to, which every other kernel exit passes.
    if (next->next != nullptr) [[unlikely]]
        hyp_timer::set_needed(true, false);
    fp::prepare_to_run(c, next);
    kernel_lock::release();
    restore_context(&next->context);
}

void schedule_and_return() {
    CoreState& c = core();
    Thread* next = scheduler().choose(&c.idle);
    // A vCPU first reports EOIs it owes its VMM (which blocks it in an exit).
    while (next->vcpu != nullptr && vcpu::deliver_pending(next))
        next = scheduler().choose(&c.idle);
    if (next == &c.idle && c.current != &c.idle && c.current != nullptr) scrub_while_idle();
    switch_to(next);
}

void switch_to(Thread* next) {
    // Fields read once into locals, as in switch_native (the register writes are
    // compiler barriers).
    CoreState& c = core();
    Thread* prev = c.current;
    c.current = next;
    const bool same = prev == next;
    const bool was_guest = prev != nullptr && prev->vcpu != nullptr;
    const Domain* d = next->domain;
    const Domain* was = c.active_domain;
    if (!same && was_guest) vcpu::switch_out(prev);
    switch_thread_register(prev, next);
    if (d != nullptr && d != was) {
        BH_WRITE_SYSREG(vttbr_el2, d->space.vttbr());
        arch::isb();
    }
    if (next->vcpu != nullptr) {
        if (!same) vcpu::switch_in(next); // its EL1 state includes CNTKCTL_EL1
        c.active_domain = d;
    } else if (d != nullptr) {
        if (was_guest) vcpu::enter_native();
        if (was_guest || was == nullptr || was->cntkctl != d->cntkctl) {
            BH_WRITE_SYSREG(cntkctl_el1, d->cntkctl);
            arch::isb();
        }
        c.active_domain = d;
    } else if (was_guest && !same) {
        vcpu::enter_native();      // the idle loop
        c.active_domain = nullptr; // CNTKCTL_EL1 holds the guest's: rewrite it next time
    }
    // The tick only for a peer at `next`'s priority (the running thread heads its queue;
    // the idle thread is in none), a vCPU whose timer it polls, or `next`'s timer
    // interrupt in flight (hyp_timer.hpp).
    hyp_timer::set_needed(next->next != nullptr || vcpu::needs_tick(),
                          next->vcpu != nullptr && vcpu::timer_in_flight(*next->vcpu));
    fp::prepare_to_run(c, next);
    kernel_lock::release();
    smp::send_kicks();
    restore_context(&next->context);
}

} // namespace kernel
