// vCPUs: threads that run a guest at EL1 (spec::ThreadFlags::Vcpu). Holds the guest
// state the thread context does not (EL1 system registers, virtual timer, list
// registers), switches HCR_EL2 between guests and native threads, turns guest traps
// into exit messages (vcpu_exit) and WFI into blocking, and injects the virtual timer.
#pragma once

#include "el2_config.hpp"
#include "sysreg.hpp"
#include "thread.hpp"
#include "tick_policy.hpp"
#include "vcpu_remote.hpp"
#include "vgic_cpu_interface.hpp"
#include "virtual_timer.hpp"

#include <spec/call_abi.hpp>
#include <spec/system_spec.hpp>
#include <spec/vcpu_abi.hpp>

#include <cstdint>

namespace kernel {

// EL1 system registers of a guest, saved while another thread runs.
struct El1Registers {
    uint64_t sp_el1, elr, spsr, esr, far, vbar, sctlr, tcr, ttbr0, ttbr1, mair, amair;
    uint64_t tpidr, tpidrro_el0, contextidr, cpacr, cntkctl, afsr0, afsr1, par;
    uint64_t csselr, mdscr;
};

struct VcpuState {
    Thread* thread = nullptr;
    El1Registers el1 = {};
    vtimer::TimerState timer;
    vgic::CpuInterfaceState gic;
    uint64_t vmpidr = 0;
    uint32_t pending_eoi = 0; // VMM list registers the guest EOId, not reported yet
    // VMM list registers whose EOI must be reported at once (vcpu_abi::kLrEoiAtOnce).
    uint32_t eoi_at_once = 0;
    // vcpu_abi::Reg::EoiAtOnce: the next EOIs are reported at once.
    bool eoi_at_once_requested = false;
    // pending_eoi goes to the VMM before the vCPU runs again, in an EoiMaintenance exit of
    // its own (vcpu_abi.hpp says when); otherwise it rides on the vCPU's next exit.
    bool eoi_due = false;
    [[nodiscard]] bool eoi_report_due() const { return eoi_due && pending_eoi != 0; }
    // The kernel masked the virtual timer at its source when it injected the timer's
    // interrupt; the first exit after the guest's EOI lifts the mask (vcpu.cpp).
    bool timer_masked = false;
    // The guest once left that mask in place after its EOI (it does not rewrite
    // CNTV_CTL in its handler, as Linux does): its timer interrupts ask for an EOI
    // maintenance interrupt from then on, so the unmask is not late again.
    bool timer_eoi_maintenance = false;
    // vcpu_abi::Reg::IdleExit: the next WFI with nothing pending goes to the VMM (once).
    bool idle_exit = false;
    // Why the vCPU stopped running guest code (vcpu_abi::ExitCounter), read by its VMM
    // as read-only registers. Only its own core writes them, under the kernel lock.
    uint64_t exits[vcpu_abi::kExitCounters] = {};
    void count(vcpu_abi::ExitCounter kind) { ++exits[static_cast<unsigned>(kind)]; }
    // Its VMM runs on another core (set by that VMM's first call): when the vCPU leaves
    // its core other than Ready or in WFI (an exit, suspended), its core saves its state
    // to memory at once, so the VMM's calls find it there (vcpu_remote.hpp).
    bool remote = false;
    // A call from another core found the state still in this vCPU's core's registers:
    // that core saves it at its next choice of thread (release_requested).
    bool release_wanted = false;
    // List-register writes from another core while the list registers are in this
    // vCPU's core's hardware; that core writes them before the vCPU runs.
    vcpu_remote::LrMailbox<vgic::kMaxListRegisters> mailbox;
};

namespace vcpu {

inline constexpr unsigned kMaxVcpus = 16;

// HCR_EL2 while a guest runs: stage 2 (VM), set/way invalidation as clean (SWIO),
// physical FIQ/IRQ/SError to EL2 (FMO/IMO/AMO: the guest gets virtual ones),
// WFI/WFE trapped (TWI: block in the kernel; TWE: yield), SMC trapped (TSC), EL1 is
// AArch64 (RW). No TGE and no DC: the guest's own stage 1 is in charge.
inline constexpr uint64_t kHcrGuest = arm::hcr::kVm | arm::hcr::kSwio | arm::hcr::kFmo |
                                      arm::hcr::kImo | arm::hcr::kAmo | arm::hcr::kTwi |
                                      arm::hcr::kTwe | arm::hcr::kTsc | arm::hcr::kRw;
// Guests get the physical counter but not the EL1 physical timer (native domains own
// it): CNTHCTL_EL2.EL1PCTEN only. Native threads: both (el2_config.hpp).
inline constexpr uint64_t kCnthctlGuest = arm::cnthctl::kEl1pcten;

// Boot: the GICH frame and the PPIs the vCPUs need (maintenance, virtual timer).
void init_hardware(const spec::Board& board);
// Makes `t` a vCPU (the loader, for ThreadFlags::Vcpu); false if none is left.
bool attach(Thread& t, const spec::Thread& record);

// A synchronous exception (or SError) from a running vCPU. Returns the VMM thread to
// switch to when the exit took the IPC fast path (switch_to), else nullptr (schedule).
Thread* handle_trap(Thread* t, uint64_t esr);
// The maintenance and virtual-timer PPIs; false for every other interrupt.
bool handle_irq(uint32_t irq);
// An interrupt `irq` arrived while `t` ran: if `t` is a vCPU, an exit, counted (and,
// as at every exit, the timer unmasked if the guest has EOId its interrupt).
void count_interrupt(const Thread* t, uint32_t irq);
// Every kernel tick: wakes WFI-blocked vCPUs whose (unloaded) timer is due, and makes the
// EOIs that ride on a vCPU's next exit due.
void tick();
// What this core's vCPUs need its tick for (tick_policy.hpp): polled timers, a watchdog.
tick::Needs tick_needs();
// Before `t` (chosen to run, in no run queue) runs: reports EOIs whose report is due
// (an exit). Returns `t` if there were none; else `t` is blocked and the result is
// its VMM when the exit took the fast path (to run next, in no run queue), or nullptr
// (the scheduler chooses again).
Thread* deliver_pending(Thread* t);

// Context switching (schedule_and_return): prev/next are the threads leaving and
// entering; either may be a native thread.
void switch_out(Thread* prev);
void switch_in(Thread* next);

// The parts of switch_out() and switch_in() every guest exit and entry pays, inline for
// the fast switches (kernel_objects.cpp), which make the rare cases' tests themselves.
// Leaving: the registers switched every time, saved (before enter_native() rewrites them).
inline void save_switched(VcpuState& v) {
    v.el1.tpidrro_el0 = BH_READ_SYSREG(tpidrro_el0);
    v.el1.cpacr = BH_READ_SYSREG(cpacr_el1);
    v.el1.cntkctl = BH_READ_SYSREG(cntkctl_el1);
}
// Whether leaving `v` for its VMM is save_switched() alone: no EL0 hazard in SCTLR_EL1 (the
// guest's registers would have to be saved and the native value loaded) and no VMM on
// another core (all of the state would have to go to memory). One test for both.
inline bool leaves_simply(const VcpuState& v) {
    return ((BH_READ_SYSREG(sctlr_el1) & el2_config::kSctlrEl0Hazards) | uint64_t{v.remote}) == 0;
}
// Entering: the guest's EL2 controls and the registers switched every time. No ISB:
// these registers act on EL1 and EL0 only (and on AT S12E1*, which the switch does not
// use); the eret into the guest is the context synchronization event.
inline void enter_guest(const VcpuState& v) {
    BH_WRITE_SYSREG(hcr_el2, kHcrGuest);
    BH_WRITE_SYSREG(cnthctl_el2, kCnthctlGuest);
    BH_WRITE_SYSREG(tpidrro_el0, v.el1.tpidrro_el0);
    BH_WRITE_SYSREG(cpacr_el1, v.el1.cpacr);
    BH_WRITE_SYSREG(cntkctl_el1, v.el1.cntkctl);
}
// Leaving a guest for a native thread (or the idle loop): the native EL2 controls
// (el2_config.hpp) and a zero TPIDRRO_EL0 (the guest's, saved by switch_out). Inline: it
// is on every exit to the VMM. No ISB, as in switch_in: nothing at EL2 before the eret
// depends on them.
inline void enter_native() {
    BH_WRITE_SYSREG(hcr_el2, el2_config::kHcrNative);
    BH_WRITE_SYSREG(cnthctl_el2, el2_config::kCnthctlNative);
    BH_WRITE_SYSREG(cpacr_el1, el2_config::kCpacrNative);
    BH_WRITE_SYSREG(tpidrro_el0, 0);
}

// Kernel calls on a vCPU from a thread of another core first make sure its state is in
// memory: Ok, or Busy after asking its core to save it (the caller tries again).
call_abi::Status claim_from_another_core(VcpuState& v);
// The vCPU's core, choosing `next`: saves the state of vCPUs a call from another core
// waits for (all but `next`'s).
void release_requested(const Thread* next);
// Before a vCPU runs (loaded on this core): the list-register words another core posted.
void drain_mailbox_slow(VcpuState& v);
inline void drain_mailbox(VcpuState& v) {
    if (!v.mailbox.empty()) [[unlikely]]
        drain_mailbox_slow(v);
}

// Kernel calls on a vCPU that is not running.
call_abi::Status read_register(VcpuState& v, uint64_t reg, uint64_t& value);
call_abi::Status write_register(VcpuState& v, uint64_t reg, uint64_t value);
call_abi::Status write_list_register(VcpuState& v, uint64_t index, uint64_t word);

} // namespace vcpu
} // namespace kernel
