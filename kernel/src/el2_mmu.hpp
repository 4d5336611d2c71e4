// The kernel's own address space: EL2 stage 1, an identity map of the low 4 GiB
// (device memory below the board's RAM, write-back RAM from it on).
#pragma once

#include <cstdint>

namespace kernel::el2_mmu {

// The kernel reaches physical memory below this address (it zeroes RAM regions).
inline constexpr uint64_t kMappedLimit = 4ull << 30;

void enable(uint64_t ram_base);

} // namespace kernel::el2_mmu
