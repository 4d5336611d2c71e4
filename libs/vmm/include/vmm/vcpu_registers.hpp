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
    // PC past the trapping instruction; an implementation that knows the exit's PC does
    // it without reading it back.
    virtual void advance_pc() { set_pc(pc() + 4); }
    // Completing an access will read these registers (bit n: x[n], kSpBit: the SP):
    // an implementation that reaches them through kernel calls fetches them in one.
    static constexpr uint32_t kSpBit = 1u << 31;
    virtual void prefetch(uint32_t registers) { (void)registers; }
    // An emulated load finished: x[n] = value, PC past the load (one call on the common
    // path instead of three).
    virtual void complete_load(unsigned n, uint64_t value) {
        set_gpr(n, value);
        advance_pc();
    }

protected:
    ~VcpuRegisters() = default;
};

} // namespace vmm
