// A vCPU as the exit loop sees it: one guest exit (GuestExit, what the kernel reported)
// and the vCPU's state the VMM reads and changes while answering it (Vcpu). The VM
// component implements Vcpu over the kernel's vCPU object; tests use a fake.
#pragma once

#include <vmm/abort_injection.hpp>
#include <vmm/smccc.hpp>
#include <vmm/vcpu_registers.hpp>

#include <cstdint>

namespace vmm {

enum class ExitReason : uint8_t {
    DataAbort,      // stage-2 abort on an IPA nothing maps (MMIO)
    Hvc,            // HVC (the PC is already past it)
    Smc,            // trapped SMC (the PC is already past it)
    SysReg,         // trapped MSR/MRS
    EoiMaintenance, // an EOI report that could not wait for the next exit (eoi_mask)
    Unknown,        // anything else
    Idle,           // a WFI with nothing pending the VMM asked to hear of (request_idle_exit)
};

struct GuestExit {
    ExitReason reason = ExitReason::Unknown;
    uint64_t esr = 0;   // ESR_EL2 (not for EoiMaintenance)
    uint64_t far = 0;   // DataAbort, Unknown: FAR_EL2
    uint64_t hpfar = 0; // DataAbort, Unknown: HPFAR_EL2
    uint64_t pc = 0;    // DataAbort, SysReg, Unknown: the trapping instruction
    // DataAbort: the stored value (ISV = 1 writes; the Vcpu already holds it too) or the
    // instruction word (ISV = 0; 0 if the kernel could not read it). SysReg: the value of
    // Rt (what an MSR writes).
    uint64_t data = 0;
    SmcccCall call{}; // Hvc, Smc: x0..x3
    // Any reason: bit i = the guest EOId the interrupt in list register i before this exit
    // (the kernel's report rides on any exit; EoiMaintenance carries nothing else).
    uint64_t eoi_mask = 0;
};

class Vcpu : public VcpuRegisters {
public:
    [[nodiscard]] virtual unsigned id() const = 0;
    // What injecting an exception into the guest needs: its PSTATE and VBAR_EL1, and
    // entering the EL1 exception (ELR/SPSR/ESR/FAR_EL1, PSTATE and PC).
    [[nodiscard]] virtual uint64_t pstate() const = 0;
    [[nodiscard]] virtual uint64_t vbar_el1() const = 0;
    virtual void enter_exception(const El1ExceptionEntry& entry) = 0;
    // Stops the vCPU for good (until the guest is reset).
    virtual void suspend() = 0;
    // Its next WFI that finds nothing pending comes to the VMM as an Idle exit (once);
    // false if that cannot be had.
    [[nodiscard]] virtual bool request_idle_exit() = 0;

protected:
    ~Vcpu() = default;
};

} // namespace vmm
