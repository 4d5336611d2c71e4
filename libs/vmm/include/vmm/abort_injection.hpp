// Injecting a synchronous external abort into the guest (the answer to an access or an
// instruction fetch nothing backs): the EL1 register values an exception taken to EL1 would
// produce, computed from the vCPU's state at the fault. The kernel-side vCPU writes them.
#pragma once

#include <cstdint>

namespace vmm {

struct GuestFaultState {
    uint64_t pc = 0;     // ELR_EL2: the faulting instruction
    uint64_t pstate = 0; // SPSR_EL2: the guest's PSTATE at the fault
    uint64_t vbar_el1 = 0;
    uint64_t far = 0; // FAR_EL2: the faulting virtual address
    bool write = false;
};

struct El1ExceptionEntry {
    uint64_t elr_el1 = 0;
    uint64_t spsr_el1 = 0;
    uint64_t esr_el1 = 0;
    uint64_t far_el1 = 0;
    uint64_t pc = 0;     // the vector to resume at
    uint64_t pstate = 0; // EL1h with D, A, I, F masked
};

[[nodiscard]] El1ExceptionEntry external_data_abort(const GuestFaultState& fault);
// An instruction abort (IFSC synchronous external); `write` is not used.
[[nodiscard]] El1ExceptionEntry external_instruction_abort(const GuestFaultState& fault);

} // namespace vmm
