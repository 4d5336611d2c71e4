// Turns a guest data abort (ESR_EL2 syndrome, FAR_EL2, HPFAR_EL2) into an MmioAccess.
// With ISV=1 the syndrome says everything; with ISV=0 (pre/post-index, pairs, ...)
// the faulting instruction is fetched and decoded for the load/store forms a Linux
// guest uses on device memory; anything else is reported as undecodable.
#pragma once

#include <arch/esr.hpp>
#include <vmm/guest_memory.hpp>
#include <vmm/mmio_access.hpp>

#include <cstdint>
#include <optional>

namespace vmm {

struct DataAbortFault {
    uint64_t esr = 0;   // ESR_EL2
    uint64_t far = 0;   // FAR_EL2 (guest virtual address)
    uint64_t hpfar = 0; // HPFAR_EL2 (IPA bits [51:12] in [43:4])
};

enum class DecodeStatus : uint8_t {
    Ok,
    NotDataAbort,     // EC is not "data abort from a lower EL"
    FarNotValid,      // FnV: the low 12 bits of the address are unknown
    StageOneWalk,     // S1PTW: the guest's own page tables are not backed
    CacheMaintenance, // CM: a cache maintenance instruction, not an access
    ExternalAbort,    // EA
    NoInstruction,    // ISV=0 and the instruction could not be fetched
    Undecodable,      // ISV=0 and not a supported general-register load/store
};

[[nodiscard]] const char* to_string(DecodeStatus status);

// Supplies the 32-bit instruction at the faulting PC when the syndrome is not enough.
class InstructionFetcher {
public:
    [[nodiscard]] virtual std::optional<uint32_t> fetch() = 0;

protected:
    ~InstructionFetcher() = default;
};

// Fetches from guest memory at the PC's IPA (the kernel translates the PC, e.g. with AT S12E1R).
class GuestMemoryInstructionFetcher final : public InstructionFetcher {
public:
    GuestMemoryInstructionFetcher(const GuestMemory& memory, base::GuestPhysAddr pc_ipa)
        : memory_(memory), pc_ipa_(pc_ipa) {}
    [[nodiscard]] std::optional<uint32_t> fetch() override {
        return memory_.read_scalar<uint32_t>(pc_ipa_);
    }

private:
    const GuestMemory& memory_;
    base::GuestPhysAddr pc_ipa_;
};

// The faulting IPA: HPFAR's page number with FAR's offset within the page.
[[nodiscard]] constexpr base::GuestPhysAddr fault_ipa(const DataAbortFault& fault) {
    return base::GuestPhysAddr(arm::fault_ipa(fault.hpfar, fault.far));
}

// `fetcher` may be null: then ISV=0 faults report NoInstruction.
[[nodiscard]] DecodeStatus decode_data_abort(const DataAbortFault& fault,
                                             InstructionFetcher* fetcher, MmioAccess& out);
// The same with the instruction word at hand (the kernel's exit message carries it for
// ISV=0 faults); 0, which no decoder accepts, when there is none.
[[nodiscard]] DecodeStatus decode_data_abort(const DataAbortFault& fault, uint32_t instruction,
                                             MmioAccess& out);

// Decodes one A64 load/store instruction (the ISV=0 path); the address comes from the fault.
[[nodiscard]] DecodeStatus decode_load_store(uint32_t insn, MmioAccess& out);

} // namespace vmm
