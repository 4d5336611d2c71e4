// C++ side of the exception vectors: calls and faults from EL0, interrupts.
#include "console.hpp"
#include "fault_delivery.hpp"
#include "fp_switch.hpp"
#include "gic.hpp"
#include "hyp_timer.hpp"
#include "kernel_lock.hpp"
#include "kernel_objects.hpp"
#include "ram_scrub.hpp"
#include "scheduler.hpp"
#include "syscalls.hpp"
#include "sysreg.hpp"
#include "vcpu.hpp"

#include <arch/esr.hpp>
#include <arch/gic_v2.hpp>

namespace kernel {
namespace {

// The IPA of a stage-2 abort. A component runs with stage 1 off: its VA is the IPA.
[[gnu::always_inline]] inline uint64_t fault_ipa(const Thread* t) {
    const uint64_t far = BH_READ_SYSREG(far_el2);
    if (t->vcpu == nullptr) return far;
    return arm::fault_ipa(BH_READ_SYSREG(hpfar_el2), far);
}

// The first touch of zero-on-first-touch RAM: zeroed and mapped now, the access is
// retried (see ram_scrub.hpp), as is a fault on a leaf another core completed meanwhile.
// Checked off the call path, so calls pay nothing for it; a guest's MMIO exit pays the
// syndrome and range tests, inline (the walk is out of line).
[[gnu::always_inline]] inline bool first_touch(Thread* t, uint64_t esr) {
    if (!ram_scrub::is_translation_abort(esr)) return false;
    const uint64_t ipa = fault_ipa(t);
    Stage2Space& space = t->domain->space;
    return space.may_be_deferred(ipa) &&
           ram_scrub::retry_access(ram_scrub::resolve_first_touch(space, ipa));
}

// Another core suspended `t` while it ran here (its state is no longer Ready): it
// stops now. A call it was making is not lost: the PC goes back to the SVC/HVC, so
// the call is made when the thread is resumed (a fault simply happens again).
bool stopped_elsewhere(Thread* t, arm::ExceptionClass ec) {
    // The state first: a running thread is Ready, and the idle thread's address costs more.
    if (t->state == ThreadState::Ready || t == &core().idle) return false;
    if (ec == arm::ExceptionClass::Svc64 || ec == arm::ExceptionClass::Hvc64) t->context.elr -= 4;
    return true;
}

} // namespace
} // namespace kernel

using namespace kernel;

// `t`: the running thread (the vectors pass TPIDR_EL2's thread, core().current).
extern "C" [[noreturn]] void handle_lower_sync(Thread* t) {
    kernel_lock::acquire();
    const uint64_t esr = BH_READ_SYSREG(esr_el2);
    const arm::ExceptionClass ec = arm::Esr{esr}.ec();
    // A guest's SVC goes to its own EL1: an SVC here is a native thread's call. The
    // thread must still be running (stopped_elsewhere below).
    if (ec == arm::ExceptionClass::Svc64 && t->state == ThreadState::Ready) {
        if (Thread* next = fast_syscall(t)) {
            if (next->vcpu == nullptr) switch_native(next);
            switch_to_guest(next); // a vCPU resumed by its VMM's reply
        }
    }
    if (stopped_elsewhere(t, ec)) {
        // nothing: the scheduler picks another thread
    } else if (t->vcpu != nullptr) {
        // A guest's exceptions never reach the call table.
        if (first_touch(t, esr)) {
            t->vcpu->count(vcpu_abi::ExitCounter::Stage2Fault);
        } else if (Thread* next = vcpu::handle_trap(t, esr)) {
            switch_from_guest(next); // the exit went the fast way to a waiting VMM
        }
    } else if (ec == arm::ExceptionClass::Svc64) {
        handle_syscall(t);
    } else if (ec == arm::ExceptionClass::FpAccess) {
        fp::take_ownership(t);
    } else if (ec == arm::ExceptionClass::Wfx) {
        // WFI/WFE at EL0 trap here (TGE): treat as a yield.
        t->context.elr += 4;
        scheduler_of(t).rotate(t);
    } else if (!first_touch(t, esr)) {
        deliver_fault(t, esr, BH_READ_SYSREG(far_el2));
    }
    schedule_and_return();
}

extern "C" [[noreturn]] void handle_lower_serror() {
    kernel_lock::acquire();
    Thread* t = core().current;
    if (t->state != ThreadState::Ready) {
        // stopped by another core (see stopped_elsewhere); the SError is its past
    } else if (t->vcpu != nullptr) {
        if (Thread* next = vcpu::handle_trap(t, BH_READ_SYSREG(esr_el2))) switch_from_guest(next);
    } else {
        deliver_fault(t, BH_READ_SYSREG(esr_el2), 0);
    }
    schedule_and_return();
}

extern "C" [[noreturn]] void handle_irq() {
    kernel_lock::acquire();
    const uint32_t iar = gic::acknowledge();
    const uint32_t irq = arm::gicv2::iar_intid(iar);
    vcpu::count_interrupt(core().current, irq);
    KernelObjects& objs = objects();
    if (irq == smp::kRescheduleSgi) {
        // Another core changed this core's run queues: choose again.
        gic::end_of_interrupt(iar);
#if !defined(BULKHEAD_RELEASE)
        check_invariants();
#endif
    } else if (irq == objs.hyp_timer_irq) {
        hyp_timer::on_tick();
        gic::end_of_interrupt(iar);
#if !defined(BULKHEAD_RELEASE)
        check_invariants();
#endif
        vcpu::tick();
        Thread* t = core().current;
        if (t != &core().idle) scheduler_of(t).rotate(t);
    } else if (vcpu::handle_irq(irq)) {
        gic::end_of_interrupt(iar); // masked at its source until the guest's EOI
    } else if (irq < arm::gicv2::kMaxIntids) {
        // Masked until the handler's owner acks it, so a level-triggered line does
        // not storm while the component gets round to it.
        gic::disable(irq);
        gic::end_of_interrupt(iar);
        if (IrqHandler* h = objs.handler_for_irq[irq]) {
            h->notification->signal(h->badge);
        } else {
            log() << "irq: unexpected interrupt " << Dec{irq} << " masked\n";
        }
    }
    schedule_and_return();
}
