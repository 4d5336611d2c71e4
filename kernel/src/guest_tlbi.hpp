// A guest's TLB invalidations done locally: on boards whose spec record has
// BoardLocalGuestTlbi, a VM whose vCPUs all run on one core gets HCR_EL2.TTLB, its TLBI
// instructions trap here, and the kernel performs each as the same operation on this
// core only (TLBI VAE1IS -> TLBI VAE1). Why: under QEMU TCG a broadcast TLBI flushes the
// software TLB of every core of the machine, waking each, although no other core ever
// runs this VM (VMIDs keep other domains' entries apart). On hardware the trap costs
// more than the broadcast saves: such boards leave the flag off.
#pragma once

#include <spec/system_spec.hpp>

#include <cstdint>
#include <optional>
#include <span>

namespace kernel::guest_tlbi {

// The EL1&0 invalidations a guest may issue (ARMv8.0, from EL1), by what they drop on
// the executing core: `Xt` carries the VA and/or ASID as the architecture defines.
enum class Op : uint8_t {
    VmallE1, // all entries of this VMID
    VaE1,    // by VA and ASID, all levels
    AsidE1,  // by ASID
    VaaE1,   // by VA, any ASID, all levels
    ValE1,   // by VA and ASID, last level
    VaalE1,  // by VA, any ASID, last level
};

// A trapped system instruction (EC 0x18, ISS `iss`) that is a TLBI of the EL1&0
// regime, as the local operation to perform; nullopt for anything else (an MSR/MRS).
// TLBIs of that regime this table does not name (outer-shareable or range forms of
// later architecture versions) are performed as VmallE1, which drops more, never less.
[[nodiscard]] std::optional<Op> decode(uint32_t iss);

// True when every vCPU of `domain` among `threads` is pinned to one core (and it has
// any): then no other core can hold TLB entries of its VMID, and a local TLBI suffices.
[[nodiscard]] bool vcpus_share_one_core(std::span<const spec::Thread> threads, uint32_t domain);

// Performs `op` with operand `xt` on this core, for the current VMID, and waits for it
// to complete (DSB NSH). Target only.
void perform(Op op, uint64_t xt);

} // namespace kernel::guest_tlbi
