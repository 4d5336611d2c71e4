// Object storage and the exit path from the kernel into the chosen thread.
#include "kernel_objects.hpp"

#include "../arch/aarch64/kernel_stack.h"
#include "fp_switch.hpp"
#include "hyp_timer.hpp"
#include "kernel_lock.hpp"
#include "ram_scrub.hpp"
#include "scheduler.hpp"
#include "sysreg.hpp"
#include "vcpu.hpp"

extern "C" [[noreturn]] void restore_context(kernel::Context* ctx);
extern "C" char kernel_stacks[]; // boot.S: KERNEL_MAX_CORES stacks of KERNEL_STACK_SIZE

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

// The tick as `next` and this core's vCPUs need it (tick_policy.hpp). switch_to() decides
// at every exit that passes it; the fast switches need not: the thread they switch to
// has no peer queued at its priority (the fast paths' would_choose), and nothing they do
// adds a reason (a watchdog for a vCPU in an exit was kept while its VMM ran), except
// loading another vCPU's timer (switch_to_guest_loading decides again).
void decide_tick(const Thread* next) {
    hyp_timer::set(tick::mode_for(scheduler().peer_queued(next), vcpu::tick_needs()));
}

// A core whose threads have all blocked zeroes RAM left for the first touch
// (ram_scrub::zero_next_piece), 64 KiB at a time, the kernel lock let go between pieces,
// until an interrupt is pending (ISR_EL1 shows the physical one at EL2): an interrupt
// waits at most one piece (a few microseconds on a Cortex-A53, under a millisecond
// under QEMU). Only a core that had work does this (cores without threads stay off). It
// goes on after an interrupt that woke nothing (a tick).
// switch_to() calls it last, once everything about the idle thread is decided: the tick
// above all. A tick no longer needed is stopped by the tick that finds it so
// (tick::program), and stopping it withdraws its pending interrupt. Zeroing before that
// decision stopped for the very interrupt the decision then withdrew, and the core slept
// in WFI with work left until the guest's timer: a guest at its prompt had about 20 MiB a
// second zeroed, not 100. The reschedule SGIs this entry asked for go out before the first
// piece.
void scrub_while_idle() {
    constexpr uint64_t kIsrIrq = 1u << 7;
    if (!ram_scrub::idle_work_left()) return;
    do {
        kernel_lock::release();
        smp::send_kicks();
        kernel_lock::acquire();
    } while ((BH_READ_SYSREG(isr_el1) & kIsrIrq) == 0 && ram_scrub::zero_next_piece());
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
uint64_t kernel_stack_top(uint32_t index) {
    return reinterpret_cast<uint64_t>(kernel_stacks) + (uint64_t{index} + 1) * KERNEL_STACK_SIZE;
}

namespace {

// The fast switches' shared steps, inlined into each of them. Everything is read once
// into locals: the system register writes are barriers to the compiler, which would load
// the fields again after each. The callers copy the fields they need after the register
// writes into locals of their own: GCC kept this struct in memory, so the "memory"
// clobber of each register write made it store two fields and load them back (5 per exit).
struct FastSwitch {
    CoreState& c;
    Thread* prev;      // the running thread, never `next`
    const Domain* d;   // next's
    const Domain* was; // prev's: a running thread's domain is the active one
};

// The thread register, `current` and the stage-2 root. No ISBs on the way out (here or
// in the vCPU switches): the registers written act on the thread's translation regime
// and EL0/EL1, which nothing uses before the eret, the context synchronization event.
[[gnu::always_inline]] inline FastSwitch begin_fast_switch(Thread* next) {
    CoreState& c = core(next->core); // this core: the fast paths stay on one core
    Thread* prev = c.current;
    prev->tpidr_el0 = BH_READ_SYSREG(tpidr_el0);
    BH_WRITE_SYSREG(tpidr_el0, next->tpidr_el0);
    c.current = next;
    const Domain* d = next->domain;
    const Domain* was = c.active_domain;
    if (d != was) BH_WRITE_SYSREG(vttbr_el2, d->space.vttbr());
    return {c, prev, d, was};
}

// end_fast_switch()'s rare case, FP registers to move to a vCPU: out of line and leaving
// the kernel itself, so that no value of a fast switch lives across a call (GCC kept some
// on the stack for the call when it returned).
[[noreturn, gnu::noinline]] void leave_moving_fp(CoreState& c, Thread* next) {
    fp::prepare_to_run(c, next);
    kernel_lock::release();
    restore_context(&next->context);
}

// Each caller knows whether `next` is a vCPU: the FP steps are decided at compile time.
enum class Next : uint8_t { Native, Guest };

template <Next kind>
[[noreturn, gnu::always_inline]] inline void end_fast_switch(CoreState& c, const Domain* d,
                                                             Thread* next) {
    c.active_domain = d;
    if constexpr (kind == Next::Guest) {
        if (next != c.fp_owner) [[unlikely]] // fp::registers_to_move, `next` a vCPU
            leave_moving_fp(c, next);
        fp::write_trap_for_eret(c, false);
    } else {
        fp::write_trap_for_eret(c, fp::native_trap(c, next));
    }
    kernel_lock::release();
    restore_context(&next->context);
}

} // namespace

void switch_native(Thread* next) {
    const FastSwitch f = begin_fast_switch(next);
    CoreState& c = f.c;
    const Domain* d = f.d;
    if (d != f.was && f.was->cntkctl != d->cntkctl) BH_WRITE_SYSREG(cntkctl_el1, d->cntkctl);
    end_fast_switch<Next::Native>(c, d, next);
}

void switch_from_guest(Thread* next) {
    VcpuState& v = *core(next->core).current->vcpu;
    // An EL0 hazard in SCTLR_EL1 or a VMM on another core: the general switch, whose
    // vcpu::switch_out() deals with both. One test for the two.
    if (!vcpu::leaves_simply(v)) [[unlikely]]
        switch_to(next);
    const FastSwitch f = begin_fast_switch(next);
    CoreState& c = f.c;
    const Domain* d = f.d;
    vcpu::save_switched(v);
    vcpu::enter_native();
    BH_WRITE_SYSREG(cntkctl_el1, d->cntkctl);
    end_fast_switch<Next::Native>(c, d, next);
}

namespace {
// switch_to_guest() when `next`'s EL1 registers, timer or list registers are not the ones
// this core holds (another vCPU ran here, or its VMM read or wrote them).
[[noreturn, gnu::noinline]] void switch_to_guest_loading(Thread* next) {
    const FastSwitch f = begin_fast_switch(next);
    CoreState& c = f.c;
    const Domain* d = f.d;
    vcpu::switch_in(next);
    decide_tick(next); // another vCPU's timer may have left the hardware for `next`'s
    end_fast_switch<Next::Guest>(c, d, next);
}
} // namespace

void switch_to_guest(Thread* next) {
    // No mailbox to drain (switch_to's drain_mailbox): only a VMM on another core posts
    // there, and the fast reply that leads here comes from a VMM on this one.
    const VcpuState& v = *next->vcpu;
    if (!core(next->core).holds_all_of(&v)) [[unlikely]]
        switch_to_guest_loading(next);
    const FastSwitch f = begin_fast_switch(next);
    CoreState& c = f.c;
    const Domain* d = f.d;
    vcpu::enter_guest(v); // its switched registers include CNTKCTL_EL1
    end_fast_switch<Next::Guest>(c, d, next);
}

void schedule_and_return() {
    CoreState& c = core();
    Scheduler& s = scheduler();
    Thread* next = s.pick(c.current, &c.idle);
    // A vCPU first reports EOIs it owes its VMM (which blocks it in an exit): then the VMM
    // runs (a fast exit: in no run queue) or the choice is made again.
    while (next->vcpu != nullptr) {
        Thread* instead = vcpu::deliver_pending(next);
        if (instead == next) break;
        next = instead != nullptr ? instead : s.pick(c.current, &c.idle);
    }
    // A VMM on another core waits for the state of a vCPU this core holds (a kick).
    vcpu::release_requested(next);
    switch_to(next);
}

void switch_to(Thread* next) {
    // Fields read once into locals, as in the fast switches (the register writes are
    // compiler barriers).
    CoreState& c = core();
    Thread* prev = c.current;
    c.current = next;
    const bool same = prev == next;
    const bool was_guest = prev != nullptr && prev->vcpu != nullptr;
    // The EL2 controls loaded are a guest's: it ran last, or the idle loop kept them.
    const bool guest_controls = was_guest || (prev == &c.idle && c.idle_keeps_guest_controls);
    const Domain* d = next->domain;
    const Domain* was = c.active_domain;
    if (!same && was_guest) vcpu::switch_out(prev);
    switch_thread_register(prev, next);
    // No ISBs on the way out (as in the fast switches).
    if (d != nullptr && d != was) BH_WRITE_SYSREG(vttbr_el2, d->space.vttbr());
    if (next->vcpu != nullptr) {
        if (!same) vcpu::switch_in(next); // its EL1 state includes CNTKCTL_EL1
        vcpu::drain_mailbox(*next->vcpu); // list registers another core wrote meanwhile
        c.active_domain = d;
    } else if (d != nullptr) {
        if (guest_controls) vcpu::enter_native();
        if (guest_controls || was == nullptr || was->cntkctl != d->cntkctl)
            BH_WRITE_SYSREG(cntkctl_el1, d->cntkctl);
        c.active_domain = d;
    } else if (!same) {
        // The idle loop runs at EL2, where the EL1&0 controls act on nothing, so it keeps
        // what it finds, a guest's stage 2 and HCR_EL2 included: the guest that wakes
        // resumes with no write that changes them. Under QEMU each change of HCR_EL2.DC or
        // VTTBR_EL2 flushes the TLB, and flushes of a guest that idles shrink QEMU's TLB
        // for it (docs/ARCHITECTURE.md, "QEMU's software TLB and a guest's switches").
        c.idle_keeps_guest_controls = guest_controls;
    }
    decide_tick(next);
    fp::prepare_to_run(c, next);
    if (next == &c.idle && prev != nullptr) scrub_while_idle();
    kernel_lock::release();
    smp::send_kicks();
    restore_context(&next->context);
}

} // namespace kernel
