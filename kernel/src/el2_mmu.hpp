// The kernel's own address space: EL2 stage 1, an identity map of the low 4 GiB
// (write-back RAM where the board has RAM, device memory elsewhere).
#pragma once

#include <cstdint>

namespace kernel::el2_mmu {

// The kernel reaches physical memory below this address (it zeroes RAM regions).
inline constexpr uint64_t kMappedLimit = 4ull << 30;

// Boot core: builds the table (RAM [ram_base, ram_base + ram_size) Normal memory, the
// rest Device) and turns translation on.
void enable(uint64_t ram_base, uint64_t ram_size);
// Secondary cores: turn translation on with the table the boot core built.
void enable_this_core();

} // namespace kernel::el2_mmu
