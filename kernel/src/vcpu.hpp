// vCPUs: threads that run a guest at EL1 (spec::ThreadFlags::Vcpu). Holds the guest
// state the thread context does not (EL1 system registers, virtual timer, list
// registers), switches HCR_EL2 between guests and native threads, turns guest traps
// into exit messages (vcpu_exit) and WFI into blocking, and injects the virtual timer.
#pragma once

#include "thread.hpp"
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
};

namespace vcpu {

inline constexpr unsigned kMaxVcpus = 16;

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
// Every kernel tick: wakes WFI-blocked vCPUs whose (unloaded) timer is due.
void tick();
// Before `t` (chosen to run, in no run queue) runs: reports EOIs it has not been told
// about (an exit). Returns `t` if there were none; else `t` is blocked and the result is
// its VMM when the exit took the fast path (to run next, in no run queue), or nullptr
// (the scheduler chooses again).
Thread* deliver_pending(Thread* t);

// Context switching (schedule_and_return): prev/next are the threads leaving and
// entering; either may be a native thread.
void switch_out(Thread* prev);
void switch_in(Thread* next);
void enter_native();

// Kernel calls on a vCPU that is not running.
call_abi::Status read_register(VcpuState& v, uint64_t reg, uint64_t& value);
call_abi::Status write_register(VcpuState& v, uint64_t reg, uint64_t value);
call_abi::Status write_list_register(VcpuState& v, uint64_t index, uint64_t word);

} // namespace vcpu
} // namespace kernel
