// The kernel's own address space: EL2 stage 1, an identity map of the low 4 GiB
// (device memory below the board's RAM, write-back RAM from it on).
#pragma once

#include <cstdint>

namespace kernel::el2_mmu {

// The kernel reaches physical memory below this address (it zeroes RAM regions).
inline constexpr uint64_t kMappedLimit = 4ull << 30;

// Boot core: builds the table and turns translation on.
void enable(uint64_t ram_base);
// Secondary cores: turn translation on with the table the boot core built.
void enable_this_core();

} // namespace kernel::el2_mmu
