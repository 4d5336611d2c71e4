// Entropy for the domains, from the seed the boot loader put in its DTB's /chosen/rng-seed
// (QEMU's virt does on every start; U-Boot does on boards with an RNG). Taken once at boot,
// before any RAM is given out or zeroed; each domain then draws from its own stream
// (base::EntropyPool) through Call::Entropy. Without a seed nothing is made up: the call
// says NoEntropy, and a VMM gives its guest no rng-seed.
#pragma once

#include <spec/call_abi.hpp>
#include <spec/system_spec.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace kernel::boot_entropy {

inline constexpr std::size_t kDraw = call_abi::kEntropyBytes; // bytes per take()

// Looks for the DTB at `boot_x0` (what the boot loader passed in x0) and then at the
// board's boot_dtb, takes the first /chosen/rng-seed found and overwrites it there with
// zeros. RAM must be mapped (el2_mmu::enable) and not yet scrubbed (load_system). Logs
// what it found.
void init(uint64_t boot_x0, const spec::Board& board);

// The next kDraw bytes of `domain`'s stream; false when the boot loader gave no seed.
bool take(uint32_t domain, std::span<std::byte, kDraw> out);

} // namespace kernel::boot_entropy
