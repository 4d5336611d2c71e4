// vCPU state switching, guest traps, WFI blocking and virtual-timer injection.
#include "vcpu.hpp"

#include "console.hpp"
#include "el2_config.hpp"
#include "el2_mmu.hpp"
#include "endpoint.hpp"
#include "fp_switch.hpp"
#include "gic.hpp"
#include "kernel_objects.hpp"
#include "scheduler.hpp"
#include "smp.hpp"
#include "sysreg.hpp"
#include "vcpu_exit.hpp"

#include <arch/esr.hpp>
#include <arch/hcr.hpp>
#include <arch/list_register.hpp>
#include <arch/pstate.hpp>
#include <arch/sctlr.hpp>
#include <arch/timer.hpp>
#include <spec/vcpu_abi.hpp>

#include <array>
#include <initializer_list>

namespace kernel::vcpu {
namespace {

using call_abi::Status;
using vcpu_abi::ExitCounter;
using vcpu_abi::Reg;

// The priority the physical GIC gives every interrupt (gic_v2.cpp, gic_v3.cpp), for the timer's
// vINTID.
constexpr uint8_t kVirqPriority = 0xa0;
constexpr uint64_t kMpidrU = 1ull << 31;

VcpuState g_vcpus[kMaxVcpus];
unsigned g_vcpu_count = 0;
uint32_t g_maintenance_irq = 25;
uint32_t g_timer_irq = 27;
// Whose list registers, virtual timer and save_el1() registers the executing core
// holds are CoreState's (kernel_objects.hpp). A vCPU's traps happen on its own core;
// the kernel calls on it come from its VMM, on the same core (the lazy rules below) or
// on another (claim_from_another_core: the state must be in memory first, and list
// registers loaded on the vCPU's core go through its mailbox; vcpu_remote.hpp).

// The EL1 registers native threads never change (with TGE their exceptions go to EL2
// and the kernel leaves EL1 alone): they stay in the hardware for the vCPU that owns
// them until another vCPU needs the registers. CPACR_EL1, CNTKCTL_EL1 (the kernel
// writes them for native threads) and TPIDRRO_EL0 (EL0 reads it: a native thread must
// not see the guest's) are switched every time; TPIDR_EL0 goes with every thread
// (kernel_objects.cpp, switch_thread_register).
void save_el1(El1Registers& r) {
    r.sp_el1 = BH_READ_SYSREG(sp_el1);
    r.elr = BH_READ_SYSREG(elr_el1);
    r.spsr = BH_READ_SYSREG(spsr_el1);
    r.esr = BH_READ_SYSREG(esr_el1);
    r.far = BH_READ_SYSREG(far_el1);
    r.vbar = BH_READ_SYSREG(vbar_el1);
    r.sctlr = BH_READ_SYSREG(sctlr_el1);
    r.tcr = BH_READ_SYSREG(tcr_el1);
    r.ttbr0 = BH_READ_SYSREG(ttbr0_el1);
    r.ttbr1 = BH_READ_SYSREG(ttbr1_el1);
    r.mair = BH_READ_SYSREG(mair_el1);
    r.amair = BH_READ_SYSREG(amair_el1);
    r.tpidr = BH_READ_SYSREG(tpidr_el1);
    r.contextidr = BH_READ_SYSREG(contextidr_el1);
    r.afsr0 = BH_READ_SYSREG(afsr0_el1);
    r.afsr1 = BH_READ_SYSREG(afsr1_el1);
    r.par = BH_READ_SYSREG(par_el1);
    r.csselr = BH_READ_SYSREG(csselr_el1);
    r.mdscr = BH_READ_SYSREG(mdscr_el1);
}

void load_el1(const El1Registers& r) {
    BH_WRITE_SYSREG(sp_el1, r.sp_el1);
    BH_WRITE_SYSREG(elr_el1, r.elr);
    BH_WRITE_SYSREG(spsr_el1, r.spsr);
    BH_WRITE_SYSREG(esr_el1, r.esr);
    BH_WRITE_SYSREG(far_el1, r.far);
    BH_WRITE_SYSREG(vbar_el1, r.vbar);
    BH_WRITE_SYSREG(sctlr_el1, r.sctlr);
    BH_WRITE_SYSREG(tcr_el1, r.tcr);
    BH_WRITE_SYSREG(ttbr0_el1, r.ttbr0);
    BH_WRITE_SYSREG(ttbr1_el1, r.ttbr1);
    BH_WRITE_SYSREG(mair_el1, r.mair);
    BH_WRITE_SYSREG(amair_el1, r.amair);
    BH_WRITE_SYSREG(tpidr_el1, r.tpidr);
    BH_WRITE_SYSREG(contextidr_el1, r.contextidr);
    BH_WRITE_SYSREG(afsr0_el1, r.afsr0);
    BH_WRITE_SYSREG(afsr1_el1, r.afsr1);
    BH_WRITE_SYSREG(par_el1, r.par);
    BH_WRITE_SYSREG(csselr_el1, r.csselr);
    BH_WRITE_SYSREG(mdscr_el1, r.mdscr);
}

// Register calls on the EL1 owner work on the saved copy: save it first, and make the
// next switch_in() load everything again.
void flush_el1(VcpuState& v) {
    if (&v != core().el1_owner) return;
    save_el1(v.el1);
    core().el1_owner = nullptr;
}

// The same for the virtual timer, which stays in the hardware for the vCPU that last
// ran until another vCPU runs (switch_in).
void flush_timer(VcpuState& v) {
    if (&v != core().timer_owner) return;
    vtimer::save(v.timer);
    core().timer_owner = nullptr;
}

uint32_t read_lr(VcpuState& v, unsigned i) {
    return &v == core().gic_owner ? vgic::read_lr(i) : v.gic.lr[i];
}

void write_lr(VcpuState& v, unsigned i, uint32_t word) {
    if (&v == core().gic_owner) {
        vgic::write_lr(i, word);
    } else {
        v.gic.lr[i] = word;
    }
}

void wake(VcpuState& v) {
    if (v.thread->state == ThreadState::BlockedOnVirq) scheduler_of(v.thread).make_ready(v.thread);
}

bool virq_pending(VcpuState& v) {
    if (v.pending_eoi != 0 || v.mailbox.pending()) return true;
    for (unsigned i = 0; i < vgic::list_register_count(); ++i)
        if ((read_lr(v, i) & arm::gicv2::lr::kPending) != 0) return true;
    return false;
}

// The timer asserted for `v`: mask it at the source and put vINTID 27 in the
// kernel's list register (pending again if the guest is still handling the last
// one). No EOI maintenance interrupt: the guest's handler rewrites CNTV_CTL (Linux
// does), and unmask_timer_after_eoi() lifts the mask at the next exit otherwise.
void inject_timer(VcpuState& v) {
    if (&v == core().timer_owner) vtimer::set_hw_mask(true);
    v.timer.ctl |= vtimer::kCtlImask;
    v.timer_masked = true;
    const unsigned lr = vgic::timer_list_register();
    const uint32_t word = read_lr(v, lr);
    if ((word & arm::gicv2::lr::kStateMask) == 0) {
        const arm::gicv2::ListRegister timer{.virq = static_cast<uint16_t>(g_timer_irq),
                                             .state = arm::gicv2::ListRegister::State::Pending,
                                             .priority = kVirqPriority,
                                             .group1 = vgic::guest_group1(),
                                             .eoi_maintenance = v.timer_eoi_maintenance};
        write_lr(v, lr, timer.encode());
    } else if ((word & arm::gicv2::lr::kPending) == 0) {
        write_lr(v, lr, word | arm::gicv2::lr::kPending); // active: again after its EOI
    }
    wake(v);
}

void unmask_timer(VcpuState& v) {
    if (&v == core().timer_owner) vtimer::set_hw_mask(false);
    v.timer.ctl &= ~vtimer::kCtlImask;
    v.timer_masked = false;
}

// At each exit of `v` (loaded on this core: it just ran). Once the guest has EOId the
// timer's interrupt (the kernel's list register is free) the kernel's mask is over. A
// guest that rewrote CNTV_CTL in its handler has lifted it already (or stopped the
// timer); one that left ENABLE | IMASK as the kernel set it relies on its EOI to
// unmask: lift it now, and let its timer interrupts ask for EOI maintenance from then on.
void unmask_timer_after_eoi_slow(VcpuState& v) {
    if ((vgic::read_lr(vgic::timer_list_register()) & arm::gicv2::lr::kStateMask) != 0) return;
    v.timer_masked = false;
    constexpr uint64_t kEnabledMasked = vtimer::kCtlEnable | vtimer::kCtlImask;
    if ((BH_READ_SYSREG(cntv_ctl_el0) & kEnabledMasked) != kEnabledMasked) return;
    unmask_timer(v);
    if (!v.timer_eoi_maintenance) {
        v.timer_eoi_maintenance = true;
        log() << "vcpu: " << v.thread->name
              << " left its timer masked after the EOI: EOI maintenance for its timer\n";
    }
}

// Every exit pays only the flag test.
inline void unmask_timer_after_eoi(VcpuState& v) {
    if (v.timer_masked) [[unlikely]]
        unmask_timer_after_eoi_slow(v);
}

// List registers the guest has EOId with the EOI bit set: free them; the kernel's own
// (the timer, for a guest that needs it) unmasks the timer, the VMM's are remembered
// for the EOI report. That rides on the vCPU's next exit, unless it must come at once
// (vcpu_abi.hpp): a list register flagged so, the VMM's request, or a vCPU that is not
// running (it has left already: a core taking over the GIC, a save for another core).
void collect_eois(VcpuState& v) {
    const uint32_t eisr = vgic::eoi_status();
    if (eisr == 0) return;
    const unsigned timer_lr = vgic::timer_list_register();
    uint32_t vmm_lrs = 0;
    for (unsigned i = 0; i < vgic::list_register_count(); ++i) {
        if ((eisr & (1u << i)) == 0) continue;
        vgic::write_lr(i, 0);
        if (i == timer_lr) {
            unmask_timer(v);
        } else {
            vmm_lrs |= 1u << i;
        }
    }
    if (vmm_lrs != 0) {
        v.pending_eoi |= vmm_lrs;
        if ((vmm_lrs & v.eoi_at_once) != 0 || v.eoi_at_once_requested || core().current != v.thread)
            v.eoi_due = true;
        v.eoi_at_once &= ~vmm_lrs;
    }
    wake(v);
}

// The EOIs are on their way to the VMM (an exit carries them or is their report).
void eois_reported(VcpuState& v) {
    v.pending_eoi = 0;
    v.eoi_due = false;
}

// Everything of `v` this core's hardware holds (EL1 registers, virtual timer, list
// registers), saved and given up; its posted list registers then go to the saved copy.
// For a VMM on another core (VcpuState::remote).
void save_all(VcpuState& v) {
    flush_el1(v);
    flush_timer(v);
    if (core().gic_owner == &v) {
        collect_eois(v);
        vgic::save(v.gic);
        core().gic_owner = nullptr;
    }
    drain_mailbox(v); // into the saved copy now (write_lr)
    v.release_wanted = false;
}

vcpu_remote::Residence residence(const VcpuState& v) {
    const uint32_t home = v.thread->core;
    const CoreState& c = core(home);
    return {.same_core = home == smp::this_core(),
            .running = c.current == v.thread,
            .el1_loaded = c.el1_owner == &v,
            .timer_loaded = c.timer_owner == &v,
            .gic_loaded = c.gic_owner == &v};
}

// Reads the instruction at the guest's PC through both translation stages.
uint64_t fetch_instruction(uint64_t pc) {
    const uint64_t saved_par = BH_READ_SYSREG(par_el1);
    asm volatile("at s12e1r, %0" ::"r"(pc));
    arch::isb();
    const uint64_t par = BH_READ_SYSREG(par_el1);
    BH_WRITE_SYSREG(par_el1, saved_par);
    if ((par & 1) != 0) return 0;
    const uint64_t pa = (par & 0x0000fffffffff000ull) | (pc & 0xfff);
    if (pa + 4 > el2_mmu::kMappedLimit) return 0;
    return arch::mmio_read<uint32_t>(pa);
}

// send_exit() for a vCPU with no exit endpoint: it stops.
[[gnu::noinline]] Thread* stop_without_endpoint(Thread* t) {
    log() << "vcpu: " << t->name << " exit " << Hex{t->fault_message[0]}
          << " esr=" << Hex{t->fault_message[1]} << " pc=" << Hex{t->context.elr}
          << "; no exit endpoint, vCPU stopped\n";
    scheduler_of(t).remove(t);
    t->state = ThreadState::Inactive;
    return nullptr;
}

// Returns the VMM thread when the exit took the fast path (ipc::fast_call).
Thread* send_exit(Thread* t) {
    if (t->fault_endpoint == nullptr) [[unlikely]]
        return stop_without_endpoint(t);
    t->in_fault = true;
    return ipc::fast_call_or_send(t, t->fault_endpoint, t->fault_badge);
}

} // namespace

void init_hardware(const spec::Board& board) {
    g_maintenance_irq = 25;
    g_timer_irq = board.virt_timer_irq;
    if (g_vcpu_count == 0) return;
    vgic::init(board); // each core's own interface
    const bool boot_core = smp::this_core() == 0;
    if (!vgic::present()) {
        if (!boot_core) return;
        log() << "vcpu: no usable virtual CPU interface; vCPUs stay stopped\n";
        for (unsigned i = 0; i < g_vcpu_count; ++i) {
            scheduler_of(g_vcpus[i].thread).remove(g_vcpus[i].thread);
            g_vcpus[i].thread->state = ThreadState::Inactive;
        }
        return;
    }
    BH_WRITE_SYSREG(vpidr_el2, BH_READ_SYSREG(midr_el1));
    gic::enable(g_maintenance_irq, false);
    gic::enable(g_timer_irq, false);
    if (boot_core) {
        log() << "vcpu: " << Dec{g_vcpu_count} << " vCPUs, " << Dec{vgic::list_register_count()}
              << " list registers\n";
        // Where each vCPU's exit counters are (the kernel runs identity-mapped, so this
        // is their physical address): bench/workload reads them from outside the guest.
        for (unsigned i = 0; i < g_vcpu_count; ++i) {
            log() << "vcpu: exit counters of " << g_vcpus[i].thread->name << " at "
                  << Hex{reinterpret_cast<uint64_t>(g_vcpus[i].exits)} << ":";
            for (const char* name : vcpu_abi::kExitCounterNames)
                log() << " " << name;
            log() << "\n";
            // Where it runs (the VM's vcpu_affinity, or counted from its _affinity).
            log() << "vcpu: " << g_vcpus[i].thread->name << " runs on core "
                  << Dec{g_vcpus[i].thread->core} << "\n";
        }
    }
}

bool attach(Thread& t, const spec::Thread& record) {
    if (g_vcpu_count == kMaxVcpus) return false;
    const unsigned ordinal = g_vcpu_count++;
    VcpuState& v = g_vcpus[ordinal];
    v = VcpuState{};
    v.thread = &t;
    v.el1.sp_el1 = record.stack_top;
    v.el1.sctlr = arm::sctlr::kEl1Res1;
    v.vmpidr = kMpidrU | ordinal;
    t.vcpu = &v;
    t.context.spsr = arm::pstate::kEl1hMasked;
    return true;
}

namespace {

// The EOIs not reported yet ride on the exit message `mr` (MR0's upper half).
[[gnu::noinline]] void carry_eois(VcpuState& v, uint64_t (&mr)[6]) {
    mr[vcpu_abi::kMrKind] |= uint64_t{v.pending_eoi} << vcpu_abi::kMrEoiShift;
    v.count(ExitCounter::EoiCarried);
    eois_reported(v);
}

// An exit that goes to the VMM: its message, then the fast path when the VMM waits.
inline Thread* exit_to_vmm(Thread* t, uint64_t value) {
    using arm::ExceptionClass;
    const arm::Esr esr{value};
    const ExceptionClass ec = esr.ec();
    if (ec == ExceptionClass::Smc64) t->context.elr += 4; // trapped SMC: ELR is the SMC
    vcpu_exit::Syndrome s{value, BH_READ_SYSREG(far_el2), BH_READ_SYSREG(hpfar_el2), 0};
    if (ec == ExceptionClass::DataAbortLower && !arm::data_abort::isv(esr.iss()))
        s.instruction = fetch_instruction(t->context.elr);
    vcpu_exit::build_message(t->context, s, t->fault_message);
    if (t->vcpu->pending_eoi != 0) carry_eois(*t->vcpu, t->fault_message);
    return send_exit(t);
}

// handle_trap()'s rarer cases, out of line so that an exit to the VMM needs no stack
// frame: the timer's mask to lift, WFI/WFE and the FP trap (handled in the kernel).
[[gnu::noinline]] Thread* handle_trap_slow(Thread* t, uint64_t value) {
    using arm::ExceptionClass;
    const arm::Esr esr{value};
    const ExceptionClass ec = esr.ec();
    VcpuState& v = *t->vcpu;
    v.count(vcpu_exit::counter_for(value)); // WFI and WFE apart: the class does not tell
    unmask_timer_after_eoi(v);
    if (ec == ExceptionClass::Wfx) {
        t->context.elr += 4;
        if (esr.wfx().wfe) { // WFE: nothing to wait for on one core but others' turn
            scheduler_of(t).rotate(t);
        } else if (!virq_pending(v)) {
            if (v.idle_exit) { // the VMM asked to hear of it: an Idle exit, not a block
                v.idle_exit = false;
                vcpu_exit::build_idle_message(value, t->fault_message);
                return send_exit(t);
            }
            scheduler_of(t).remove(t);
            t->state = ThreadState::BlockedOnVirq;
        } else if (v.pending_eoi != 0) {
            // A guest waiting may wait for what the VMM does on those EOIs: reported now
            // (schedule_and_return, deliver_pending), it does not block.
            v.eoi_due = true;
        }
        return nullptr;
    }
    if (ec == ExceptionClass::FpAccess) { // a vCPU runs untrapped (fp_switch.hpp): not expected
        fp::take_ownership(t);
        return nullptr;
    }
    return exit_to_vmm(t, value);
}

} // namespace

namespace {
// vcpu_exit::counter_for() by exception class, for the exits handle_trap() sends straight
// to the VMM (WFx, where the class alone does not tell, is counted in handle_trap_slow):
// one load instead of a switch's compares on every exit.
constexpr auto kCounterByClass = [] {
    std::array<ExitCounter, 64> table{};
    for (unsigned ec = 0; ec < table.size(); ++ec)
        table[ec] = vcpu_exit::counter_for(uint64_t{ec} << 26);
    return table;
}();
} // namespace

Thread* handle_trap(Thread* t, uint64_t value) {
    using arm::ExceptionClass;
    const ExceptionClass ec = arm::Esr{value}.ec();
    VcpuState& v = *t->vcpu;
    if (v.timer_masked || ec == ExceptionClass::Wfx || ec == ExceptionClass::FpAccess) [[unlikely]]
        return handle_trap_slow(t, value);
    v.count(kCounterByClass[static_cast<unsigned>(ec)]);
    return exit_to_vmm(t, value);
}

bool handle_irq(uint32_t irq) {
    if (g_vcpu_count == 0) return false;
    if (irq == g_timer_irq) {
        if (VcpuState* owner = core().timer_owner; owner != nullptr) {
            inject_timer(*owner);
        } else {
            vtimer::set_hw_mask(true);
        }
        return true;
    }
    if (irq == g_maintenance_irq) {
        if (core().gic_owner != nullptr) collect_eois(*core().gic_owner);
        return true;
    }
    return false;
}

void count_interrupt(const Thread* t, uint32_t irq) {
    if (t->vcpu == nullptr) return;
    unmask_timer_after_eoi(*t->vcpu);
    t->vcpu->count(irq == g_timer_irq         ? ExitCounter::Timer
                   : irq == g_maintenance_irq ? ExitCounter::Maintenance
                                              : ExitCounter::Irq);
}

namespace {
// What `v` (of this core) needs the tick for (tick_policy.hpp).
tick::Needs tick_needs_of(const VcpuState& v) {
    constexpr uint64_t kArmed = vtimer::kCtlEnable | vtimer::kCtlImask;
    const ThreadState state = v.thread->state;
    return tick::needs_of({.blocked_in_wfi = state == ThreadState::BlockedOnVirq,
                           .stopped = state == ThreadState::Inactive,
                           .timer_loaded = &v == core().timer_owner,
                           .timer_armed = (v.timer.ctl & kArmed) == vtimer::kCtlEnable,
                           .exit_owed = v.timer_masked || v.pending_eoi != 0});
}

// `f` on each vCPU pinned to the executing core.
template <class F> void for_each_vcpu_here(F f) {
    const uint32_t here = smp::this_core();
    for (unsigned i = 0; i < g_vcpu_count; ++i)
        if (g_vcpus[i].thread->core == here) f(g_vcpus[i]);
}
} // namespace

void tick() {
    for_each_vcpu_here([](VcpuState& v) {
        if (tick_needs_of(v).poll_timer && vtimer::due(v.timer)) inject_timer(v);
        // EOIs riding on the next exit wait a tick at most (the watchdog's, if no other
        // comes first): then they are reported.
        if (v.pending_eoi != 0) v.eoi_due = true;
    });
}

tick::Needs tick_needs() {
    tick::Needs needs;
    for_each_vcpu_here([&needs](const VcpuState& v) { needs = needs | tick_needs_of(v); });
    return needs;
}

Thread* deliver_pending(Thread* t) {
    VcpuState& v = *t->vcpu;
    if (!v.eoi_report_due() || t->state != ThreadState::Ready) return t;
    vcpu_exit::build_eoi_message(v.pending_eoi, t->fault_message);
    eois_reported(v);
    v.eoi_at_once_requested = false; // what the VMM asked for (EOIs riding on exits: not yet)
    v.count(ExitCounter::EoiReport);
    return send_exit(t);
}

namespace {
// switch_out()'s rare part, out of line so the common exit needs no stack frame.
[[gnu::noinline, gnu::cold]] void take_off_el0_hazards(VcpuState& v) {
    flush_el1(v);
    BH_WRITE_SYSREG(sctlr_el1, el2_config::kSctlrNative);
}
} // namespace

void switch_out(Thread* prev) {
    VcpuState& v = *prev->vcpu;
    save_switched(v);
    // SCTLR_EL1 stays loaded too, but its EL0 controls act on native threads: a guest that
    // made EL0 data big-endian or alignment-checked would break its VMM (el2_config.hpp).
    // Rare: its EL1 registers are saved and the native value loaded; switch_in reloads.
    if ((BH_READ_SYSREG(sctlr_el1) & el2_config::kSctlrEl0Hazards) != 0) [[unlikely]]
        take_off_el0_hazards(v);
    // Its timer stays loaded (core().timer_owner) and running: its interrupt still
    // wakes this vCPU; saved when another vCPU runs here. Unless its VMM is on another
    // core and the vCPU left for it (an exit) or was stopped: that VMM reads and writes
    // the state in memory, so all of it is saved now.
    if (v.remote && prev->state != ThreadState::Ready && prev->state != ThreadState::BlockedOnVirq)
        [[unlikely]] {
        save_all(v);
    }
}

void release_requested(const Thread* next) {
    CoreState& c = core();
    for (VcpuState* owner : {c.el1_owner, c.timer_owner, c.gic_owner})
        if (owner != nullptr && owner->release_wanted && owner->thread != next) save_all(*owner);
}

void drain_mailbox_slow(VcpuState& v) {
    v.mailbox.drain([&v](unsigned i, uint32_t word) { write_lr(v, i, word); });
}

Status claim_from_another_core(VcpuState& v) {
    v.remote = true;
    if (vcpu_remote::state_access(residence(v)) == vcpu_remote::Access::Here) return Status::Ok;
    v.release_wanted = true;
    smp::kick(v.thread->core);
    return Status::Busy;
}

namespace {

// switch_in()'s rare part: `v`'s EL1 registers, timer or list registers are not the ones
// loaded on core `c` (another vCPU ran here, or the VMM read or wrote them).
[[gnu::noinline]] void load_owned(VcpuState& v, CoreState& c) {
    if (VcpuState* owner = c.el1_owner; owner != &v) {
        if (owner != nullptr) save_el1(owner->el1);
        load_el1(v.el1);
        // What MPIDR_EL1 reads at EL1 (EL0 cannot read it): it goes with the EL1 registers.
        BH_WRITE_SYSREG(vmpidr_el2, v.vmpidr);
        c.el1_owner = &v;
    }
    if (VcpuState* owner = c.timer_owner; owner != &v) {
        if (owner != nullptr) vtimer::save(owner->timer);
        vtimer::load(v.timer);
        c.timer_owner = &v;
    }
    if (VcpuState* owner = c.gic_owner; owner != &v) {
        if (owner != nullptr) {
            collect_eois(*owner);
            vgic::save(owner->gic);
        }
        vgic::load(v.gic);
        c.gic_owner = &v;
    }
}

} // namespace

void switch_in(Thread* next) {
    VcpuState& v = *next->vcpu;
    CoreState& c = core(next->core); // this core, looked up once (every guest entry)
    enter_guest(v);
    // Usually all three are this vCPU's already: one test each, and the call last (a tail
    // call, so the common case needs no stack frame).
    if (!c.holds_all_of(&v)) [[unlikely]]
        load_owned(v, c);
}

Status read_register(VcpuState& v, uint64_t reg, uint64_t& value) {
    if (reg == static_cast<uint64_t>(Reg::ListRegisterCount)) {
        value = vgic::list_register_count() - 1;
        return Status::Ok;
    }
    if (reg == static_cast<uint64_t>(Reg::GichVmcr) || reg == static_cast<uint64_t>(Reg::GichApr)) {
        if (&v == core().gic_owner) vgic::save(v.gic);
        value = reg == static_cast<uint64_t>(Reg::GichVmcr) ? v.gic.vmcr : v.gic.apr;
        return Status::Ok;
    }
    if (reg == static_cast<uint64_t>(Reg::IdleExit)) {
        value = v.idle_exit ? 1 : 0;
        return Status::Ok;
    }
    if (reg == static_cast<uint64_t>(Reg::EoiAtOnce)) {
        value = v.eoi_at_once_requested ? 1 : 0;
        return Status::Ok;
    }
    if (const uint64_t k = reg - static_cast<uint64_t>(Reg::ExitCount0);
        reg >= static_cast<uint64_t>(Reg::ExitCount0) && k < vcpu_abi::kExitCounters) {
        value = v.exits[k];
        return Status::Ok;
    }
    uint64_t* field = nullptr;
    Context& c = v.thread->context;
    El1Registers& e = v.el1;
    if ((reg >= static_cast<uint64_t>(Reg::SpEl1) && reg <= static_cast<uint64_t>(Reg::CpacrEl1)) ||
        reg == static_cast<uint64_t>(Reg::Vmpidr)) // VMPIDR_EL2 is loaded with them
        flush_el1(v);
    if (reg == static_cast<uint64_t>(Reg::CntvCtl) || reg == static_cast<uint64_t>(Reg::CntvCval))
        flush_timer(v); // write_register() reads first: both work on the saved copy
    if (reg < vcpu_abi::kXRegs) {
        field = &c.x[reg];
    } else {
        switch (static_cast<Reg>(reg)) {
        case Reg::Pc:
            field = &c.elr;
            break;
        case Reg::Pstate:
            field = &c.spsr;
            break;
        case Reg::SpEl0:
            field = &c.sp_el0;
            break;
        case Reg::SpEl1:
            field = &e.sp_el1;
            break;
        case Reg::ElrEl1:
            field = &e.elr;
            break;
        case Reg::SpsrEl1:
            field = &e.spsr;
            break;
        case Reg::EsrEl1:
            field = &e.esr;
            break;
        case Reg::FarEl1:
            field = &e.far;
            break;
        case Reg::VbarEl1:
            field = &e.vbar;
            break;
        case Reg::SctlrEl1:
            field = &e.sctlr;
            break;
        case Reg::TcrEl1:
            field = &e.tcr;
            break;
        case Reg::Ttbr0El1:
            field = &e.ttbr0;
            break;
        case Reg::Ttbr1El1:
            field = &e.ttbr1;
            break;
        case Reg::MairEl1:
            field = &e.mair;
            break;
        case Reg::TpidrEl1:
            field = &e.tpidr;
            break;
        case Reg::ContextidrEl1:
            field = &e.contextidr;
            break;
        case Reg::CpacrEl1:
            field = &e.cpacr;
            break;
        case Reg::CntvCtl:
            field = &v.timer.ctl;
            break;
        case Reg::CntvCval:
            field = &v.timer.cval;
            break;
        case Reg::Vmpidr:
            field = &v.vmpidr;
            break;
        default:
            return Status::InvalidArgument;
        }
    }
    value = *field;
    return Status::Ok;
}

namespace {
// A timer written for a WFI-blocked vCPU of another core may now need that core's tick to
// poll it (tick_policy.hpp): the kick makes it decide again.
void kick_for_timer(const VcpuState& v) {
    if (v.thread->core != smp::this_core()) smp::kick(v.thread->core);
}
} // namespace

Status write_register(VcpuState& v, uint64_t reg, uint64_t value) {
    if (reg == static_cast<uint64_t>(Reg::ListRegisterCount) ||
        reg >= static_cast<uint64_t>(Reg::ExitCount0))
        return Status::InvalidArgument; // read-only
    if (reg == static_cast<uint64_t>(Reg::IdleExit)) {
        if (value > 1) return Status::InvalidArgument;
        v.idle_exit = value == 1;
        return Status::Ok;
    }
    if (reg == static_cast<uint64_t>(Reg::EoiAtOnce)) {
        if (value > 1) return Status::InvalidArgument;
        v.eoi_at_once_requested = value == 1;
        // EOIs waiting for the next exit: reported at once, also by a vCPU running on
        // another core (the kick brings it into the kernel, which delivers them).
        if (v.eoi_at_once_requested && v.pending_eoi != 0) {
            v.eoi_due = true;
            if (v.thread->core != smp::this_core()) smp::kick(v.thread->core);
        }
        return Status::Ok;
    }
    if (reg == static_cast<uint64_t>(Reg::GichVmcr) || reg == static_cast<uint64_t>(Reg::GichApr)) {
        if (value > 0xffffffffu) return Status::InvalidArgument;
        if (&v == core().gic_owner) vgic::save(v.gic);
        (reg == static_cast<uint64_t>(Reg::GichVmcr) ? v.gic.vmcr : v.gic.apr) =
            static_cast<uint32_t>(value);
        if (&v == core().gic_owner) vgic::load(v.gic);
        return Status::Ok;
    }
    uint64_t old = 0;
    if (Status s = read_register(v, reg, old); s != Status::Ok) return s;
    Context& c = v.thread->context;
    if (reg < vcpu_abi::kXRegs) {
        c.x[reg] = value;
        return Status::Ok;
    }
    switch (static_cast<Reg>(reg)) {
    case Reg::Pc:
        c.elr = value;
        break;
    // The guest may choose any EL1/EL0 AArch64 mode, never EL2 or AArch32.
    case Reg::Pstate:
        if ((value & 0x12) != 0 || (value & 0xc) > 0x4) return Status::InvalidArgument;
        c.spsr = value;
        break;
    case Reg::SpEl0:
        c.sp_el0 = value;
        break;
    case Reg::SpEl1:
        v.el1.sp_el1 = value;
        break;
    case Reg::ElrEl1:
        v.el1.elr = value;
        break;
    case Reg::SpsrEl1:
        v.el1.spsr = value;
        break;
    case Reg::EsrEl1:
        v.el1.esr = value;
        break;
    case Reg::FarEl1:
        v.el1.far = value;
        break;
    case Reg::VbarEl1:
        v.el1.vbar = value;
        break;
    case Reg::SctlrEl1:
        v.el1.sctlr = value;
        break;
    case Reg::TcrEl1:
        v.el1.tcr = value;
        break;
    case Reg::Ttbr0El1:
        v.el1.ttbr0 = value;
        break;
    case Reg::Ttbr1El1:
        v.el1.ttbr1 = value;
        break;
    case Reg::MairEl1:
        v.el1.mair = value;
        break;
    case Reg::TpidrEl1:
        v.el1.tpidr = value;
        break;
    case Reg::ContextidrEl1:
        v.el1.contextidr = value;
        break;
    case Reg::CpacrEl1:
        v.el1.cpacr = value;
        break;
    case Reg::CntvCtl:
        v.timer.ctl = value & (vtimer::kCtlEnable | vtimer::kCtlImask);
        kick_for_timer(v);
        break;
    case Reg::CntvCval:
        v.timer.cval = value;
        kick_for_timer(v);
        break;
    case Reg::Vmpidr:
        v.vmpidr = value;
        break;
    default:
        return Status::InvalidArgument;
    }
    return Status::Ok;
}

Status write_list_register(VcpuState& v, uint64_t index, uint64_t word) {
    if (index == vgic::timer_list_register() && word == 0) {
        if (v.thread->core != smp::this_core()) {
            if (const Status s = claim_from_another_core(v); s != Status::Ok) return s;
        }
        // A guest reset: drop the timer interrupt in flight and unmask the timer.
        write_lr(v, vgic::timer_list_register(), 0);
        unmask_timer(v);
        v.timer_eoi_maintenance = false; // the next guest may rewrite CNTV_CTL itself
        return Status::Ok;
    }
    if (index + 1 >= vgic::list_register_count() || (word & ~vcpu_abi::kLrEoiAtOnce) > 0xffffffffu)
        return Status::InvalidArgument;
    // Whether the guest's EOI of it is reported at once (collect_eois); not hardware state.
    const uint32_t bit = 1u << index;
    v.eoi_at_once =
        (word & vcpu_abi::kLrEoiAtOnce) != 0 ? v.eoi_at_once | bit : v.eoi_at_once & ~bit;
    // The VMM writes a list register it has heard the EOI of, or one it takes back (a guest
    // reset): an EOI of what was there before, not reported yet, is no news to it any more,
    // and reported later it would free the new interrupt's list register.
    v.pending_eoi &= ~bit;
    word &= ~vcpu_abi::kLrEoiAtOnce;
    if (const vcpu_remote::Residence r = residence(v);
        vcpu_remote::list_register_access(r) == vcpu_remote::Access::Post) {
        v.remote = true;
        v.mailbox.post(static_cast<unsigned>(index), static_cast<uint32_t>(word));
        if (r.running) smp::kick(v.thread->core); // written when it enters the kernel
    } else {
        write_lr(v, static_cast<unsigned>(index), static_cast<uint32_t>(word));
    }
    if ((word & arm::gicv2::lr::kPending) != 0) wake(v);
    return Status::Ok;
}

} // namespace kernel::vcpu
