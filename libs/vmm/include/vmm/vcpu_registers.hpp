// The guest registers the VMM needs to finish an emulated access: the general
// registers, the current stack pointer and the PC. The kernel-side vCPU object
// implements it over the fault message / vCPU register calls; tests use a fake.
#pragma once

#include <cstdint>

namespace vmm {

class VcpuRegisters {
public:
    // n in 0..30 (callers never pass 31: it is XZR or SP depending on the instruction).
    [[nodiscard]] virtual uint64_t gpr(unsigned n) const = 0;
    virtual void set_gpr(unsigned n, uint64_t value) = 0;
    // The stack pointer the guest is currently using (SP_EL0 or SP_EL1 per PSTATE.SP).
    [[nodiscard]] virtual uint64_t sp() const = 0;
    virtual void set_sp(uint64_t value) = 0;
    [[nodiscard]] virtual uint64_t pc() const = 0;
    virtual void set_pc(uint64_t value) = 0;

protected:
    ~VcpuRegisters() = default;
};

} // namespace vmm
