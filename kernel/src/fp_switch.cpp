// FP ownership per core and the CPTR_EL2.TFP trap that enforces it.
#include "fp_switch.hpp"

#include "kernel_objects.hpp"
#include "vcpu.hpp"

extern "C" void fp_state_save(kernel::FpState* state);
extern "C" void fp_state_restore(const kernel::FpState* state);

namespace kernel::fp {

void write_trap(CoreState& c, bool trap) {
    write_trap_for_eret(c, trap);
    arch::isb();
}

namespace {

void move(CoreState& c, Thread* t) {
    if (c.fp_trapped) write_trap(c, false); // the kernel's own save/restore would trap too
    if (c.fp_owner != t) {
        if (c.fp_owner != nullptr) fp_state_save(&c.fp_owner->fp);
        fp_state_restore(&t->fp);
        c.fp_owner = t;
    }
}

} // namespace

// A vCPU takes the registers as it is switched in, not at its first FP instruction, so a
// guest never runs trapped. Under QEMU the trap is part of the key of every translated
// block: a guest whose kernel booted trapped (the VMM had used FP while it set up) and ran
// untrapped after its userspace's first FP instruction had its kernel's code translated
// twice (vm_minimal's boot: 15k kernel blocks translated twice, and its userspace
// translated 25k blocks where the direct boot's translates 11k). Native components on a
// guest's path use no FP (tests/vm/component_without_fp.py), so a guest keeps the
// registers once it has them; what is left per switch is the trap's register write.
// Counted as the vCPU's FpTrap exits were: how often a native thread took the registers
// from the guest (tests/vm checks it stays a handful on an echo path).
void move_registers(CoreState& c, Thread* t) {
    t->vcpu->count(vcpu_abi::ExitCounter::FpTrap);
    move(c, t);
}

void take_ownership(Thread* t) {
    move(core(), t);
}

} // namespace kernel::fp
