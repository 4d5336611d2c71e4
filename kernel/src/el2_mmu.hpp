// The kernel's own address space: EL2 stage 1, an identity map of the low 4 GiB
// (write-back RAM where the board has RAM, device memory elsewhere).
#pragma once

#include <cstdint>

namespace kernel::el2_mmu {

// The kernel reaches physical memory below this address (it zeroes RAM regions).
inline constexpr uint64_t kMappedLimit = 4ull << 30;

void enable(uint64_t ram_base, uint64_t ram_size);

} // namespace kernel::el2_mmu
