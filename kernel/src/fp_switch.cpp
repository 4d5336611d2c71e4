// FP ownership per core and the CPTR_EL2.TFP trap that enforces it.
#include "fp_switch.hpp"

#include "kernel_objects.hpp"
#include "sysreg.hpp"

#include <arch/cptr.hpp>

extern "C" void fp_state_save(kernel::FpState* state);
extern "C" void fp_state_restore(const kernel::FpState* state);

namespace kernel::fp {

void write_trap(CoreState& c, bool trap) {
    BH_WRITE_SYSREG(cptr_el2, arm::cptr::kRes1 | (trap ? arm::cptr::kTfp : 0));
    arch::isb();
    c.fp_trapped = trap;
}

namespace {

void set_trap(bool trap) {
    CoreState& c = core();
    if (c.fp_trapped != trap) write_trap(c, trap);
}

} // namespace

void take_ownership(Thread* t) {
    CoreState& c = core();
    set_trap(false); // the kernel's own save/restore would trap too
    if (c.fp_owner != t) {
        if (c.fp_owner != nullptr) fp_state_save(&c.fp_owner->fp);
        fp_state_restore(&t->fp);
        c.fp_owner = t;
    }
}

} // namespace kernel::fp
