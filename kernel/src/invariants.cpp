// Debug-build checks of the kernel's cross-core invariants (kernel_objects.hpp):
// every Ready thread is in exactly one run queue, the one of the core it is pinned
// to, or it is that core's running thread and in none (lazy scheduling, scheduler.hpp);
// queues hold only Ready threads; each core's FP, EL1, list-register and timer
// owner is pinned to that core (so no context has two owners); a running vCPU owns the FP
// registers. Run on every tick and
// every reschedule SGI: a broken invariant is lasting state, caught within a tick,
// and the IPC path (and its benchmark) stays free of the walk.
#include "console.hpp"
#include "kernel_objects.hpp"
#include "panic.hpp"
#include "scheduler.hpp"
#include "vcpu.hpp"

namespace kernel {
namespace {

[[noreturn]] void broken(const char* what, const Thread* t) {
    log() << "kernel invariant broken: " << what << " (thread " << (t != nullptr ? t->name : "-")
          << ", core " << Dec{smp::this_core()} << ")\n";
    panic("kernel invariant broken");
}

void check_owner(const VcpuState* v, uint32_t c, const char* what) {
    if (v != nullptr && v->thread->core != c) broken(what, v->thread);
}

} // namespace

void check_invariants() {
    const KernelObjects& o = objects();
    uint32_t ready = 0;
    for (uint32_t i = 0; i < o.thread_count; ++i) {
        const Thread& t = o.threads[i];
        if (t.state != ThreadState::Ready) continue;
        if (t.core >= smp::kMaxCores) broken("Ready thread pinned to no core", &t);
        if (!t.queued) {
            // Only the thread running on its core is in no queue.
            if (core(t.core).current != &t)
                broken("Ready thread neither in its core's run queue nor running there", &t);
            continue;
        }
        ++ready;
        if (!scheduler(t.core).holds(&t))
            broken("Ready thread missing from its core's run queue", &t);
    }
    uint32_t queued = 0;
    for (uint32_t c = 0; c < smp::kMaxCores; ++c) {
        scheduler(c).for_each([&](const Thread* t) {
            ++queued;
            if (t->state != ThreadState::Ready) broken("run queue holds a blocked thread", t);
            if (!t->queued) broken("run queue holds a thread marked as in none", t);
            if (t->core != c) broken("thread in another core's run queue", t);
        });
        const CoreState& cs = core(c);
        if (cs.fp_owner != nullptr && cs.fp_owner->core != c)
            broken("FP registers owned by a thread of another core", cs.fp_owner);
        // A vCPU runs with its FP registers, untrapped (fp_switch.hpp).
        if (cs.current != nullptr && cs.current->vcpu != nullptr &&
            (cs.fp_owner != cs.current || cs.fp_trapped))
            broken("a running vCPU without its FP registers", cs.current);
        check_owner(cs.el1_owner, c, "EL1 registers owned by a vCPU of another core");
        check_owner(cs.gic_owner, c, "list registers owned by a vCPU of another core");
        check_owner(cs.timer_owner, c, "virtual timer owned by a vCPU of another core");
    }
    if (queued != ready) broken("a thread is in more than one run queue", nullptr);
}

} // namespace kernel
