// Storage for every kernel object, sized by spec::kKernelLimits and filled once at
// boot from the spec. Nothing is allocated afterwards.
#pragma once

#include "capability.hpp"
#include "domain.hpp"
#include "endpoint.hpp"
#include "movable_mapping.hpp"
#include "notification.hpp"
#include "smp.hpp"
#include "thread.hpp"

#include <arch/gic_v2.hpp>
#include <spec/system_spec.hpp>

namespace kernel {

struct IrqHandler {
    uint32_t irq = 0;
    bool edge = false;
    Notification* notification = nullptr;
    uint64_t badge = 0;
};

struct KernelObjects {
    Domain domains[spec::kKernelLimits.domains];
    Thread threads[spec::kKernelLimits.threads];
    Endpoint endpoints[spec::kKernelLimits.endpoints];
    Notification notifications[spec::kKernelLimits.notifications];
    IrqHandler irq_handlers[spec::kKernelLimits.irq_handlers];
    Capability caps[spec::kKernelLimits.caps];
    MovableMapping movable[spec::kKernelLimits.mappings]; // by mapping index (fixed: unused)
    uint32_t domain_count = 0, thread_count = 0, irq_handler_count = 0;
    IrqHandler* handler_for_irq[arm::gicv2::kMaxIntids] = {}; // INTID -> handler
    uint32_t hyp_timer_irq = 0;
    Stage2Geometry stage2; // every domain's (VTCR_EL2 on every core)
};

KernelObjects& objects();

// Per-core execution state: what this core's hardware holds. The run queues are the
// core's Scheduler; the vCPU owners (EL1 registers, list registers, virtual timer)
// are here too because they name hardware of this core. Aligned to a power of two, as
// Scheduler: the exit path finds its core's with one shifted add.
struct alignas(2048) CoreState {
    Thread* current = nullptr;
    Thread idle; // idle.core is the core's index (smp::this_core() reads it)
    const Domain* active_domain = nullptr; // whose stage 2 VTTBR_EL2 holds
    // While the idle thread runs: whether it kept the EL2 controls of the guest it
    // followed (switch_to), which a native thread's switch then replaces.
    bool idle_keeps_guest_controls = false;
    Thread* fp_owner = nullptr;       // whose values the FP/SIMD registers hold
    bool fp_trapped = true;           // CPTR_EL2.TFP as last written
    VcpuState* gic_owner = nullptr;   // whose list registers the GICH holds
    VcpuState* timer_owner = nullptr; // whose virtual timer CNTV_* holds
    VcpuState* el1_owner = nullptr;   // whose EL1 system registers the core holds
    // Whether the core holds all of `v`'s EL1 registers, virtual timer and list registers
    // (entering it then loads none of them).
    [[nodiscard]] bool holds_all_of(const VcpuState* v) const {
        return el1_owner == v && timer_owner == v && gic_owner == v;
    }
};

CoreState& core(); // the executing core's
CoreState& core(uint32_t index);
// The top of core `index`'s kernel stack (Thread::kernel_stack of the threads pinned there).
uint64_t kernel_stack_top(uint32_t index);

// Debug builds: the scheduler's and owners' invariants hold on every core, or the
// kernel stops with a message naming the broken one.
void check_invariants();

// Picks the thread to run and leaves the kernel into it.
[[noreturn]] void schedule_and_return();
// Leaves the kernel into `next`, a thread of this core the scheduler would choose (and,
// for a vCPU, one with nothing to report first), sending the SGIs smp::kick() asked for.
// What schedule_and_return() does after its choice.
[[noreturn]] void switch_to(Thread* next);
// switch_to() for the fast paths: from the running thread (never `next`, its domain the
// active one) with no other core to kick, straight-line for one kind of switch each.
// Native thread to native thread (IPC): the stage-2 root, CNTKCTL_EL1 and the FP trap.
[[noreturn]] void switch_native(Thread* next);
// A vCPU's exit to its waiting VMM (switch_to() when the exit needs more than the
// registers switched every time: vcpu::leaves_simply).
[[noreturn]] void switch_from_guest(Thread* next);
// The VMM's reply resuming the vCPU (`next`): inline, with the rare case (its EL1 state,
// timer or list registers to load) out of line and leaving the kernel itself, so that
// the caller keeps no value across a call.
[[noreturn]] void switch_to_guest(Thread* next);

} // namespace kernel
