// Object storage and the exit path from the kernel into the chosen thread.
#include "kernel_objects.hpp"

#include "fp_switch.hpp"
#include "scheduler.hpp"
#include "sysreg.hpp"

extern "C" [[noreturn]] void restore_context(kernel::Context* ctx);

namespace kernel {

namespace {
KernelObjects g_objects;
CoreState g_core;
} // namespace

KernelObjects& objects() {
    return g_objects;
}
CoreState& core() {
    return g_core;
}

void schedule_and_return() {
    CoreState& c = core();
    Thread* next = scheduler().choose(&c.idle);
    c.current = next;
    if (next->domain != nullptr && next->domain != c.active_domain) {
        BH_WRITE_SYSREG(vttbr_el2, next->domain->space.vttbr());
        if (c.active_domain == nullptr || c.active_domain->cntkctl != next->domain->cntkctl)
            BH_WRITE_SYSREG(cntkctl_el1, next->domain->cntkctl);
        arch::isb();
        c.active_domain = next->domain;
    }
    fp::prepare_to_run(next);
    restore_context(&next->context);
}

} // namespace kernel
