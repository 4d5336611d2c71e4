// For boards that run under QEMU's TCG (spec::BoardRegrowSoftTlb): a busy guest's EL1&0
// TLB entries invalidated now and then, so that QEMU's software TLB for it can grow back
// to its working set (docs/ARCHITECTURE.md, "QEMU's software TLB and a guest's switches").
#pragma once

#include <spec/system_spec.hpp>

#include <cstdint>

namespace kernel::soft_tlb_regrow {

inline constexpr uint64_t kIntervalMs = spec::kSoftTlbRegrowMs;

// Whether a busy guest's tick at counter value `now` invalidates, the last invalidation on
// the core having been at `last` (0: none yet); `interval` in counter ticks.
[[nodiscard]] constexpr bool due(uint64_t now, uint64_t last, uint64_t interval) {
    return last == 0 || now - last >= interval;
}

// At boot (each core before its first guest runs): whether the board asks for it.
void configure(bool on);
[[nodiscard]] bool enabled();
// The virtual timer of the guest running on this core fired: the guest was busy, and its
// VMID is the one VTTBR_EL2 holds. Invalidates its EL1&0 TLB entries on this core when due.
void on_busy_guest_tick();
// Invalidations core `core` made (system_off logs them).
[[nodiscard]] uint64_t count(uint32_t core);

} // namespace kernel::soft_tlb_regrow
