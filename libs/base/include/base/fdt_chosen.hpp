// Reads one property of a flattened device tree's /chosen node without libfdt: the kernel
// takes the boot loader's /chosen/rng-seed at boot, and Debian's libfdt for arm64 uses
// FP/SIMD registers, which the kernel's code never touches. Every offset and length in
// the blob is checked against its span; a malformed blob reads as one without the property.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace base::fdt {

inline constexpr uint32_t kMagic = 0xd00dfeed;
inline constexpr std::size_t kHeaderSize = 40; // version 17's header

// The blob's total size from its header (its first kHeaderSize bytes), 0 if they are not
// an FDT header of version 17 or later.
[[nodiscard]] std::size_t total_size(std::span<const std::byte> header);

// Where the value of a property lies in the blob, `found` false if absent or malformed.
struct PropertyValue {
    bool found = false;
    std::size_t offset = 0; // from the start of the blob
    std::size_t size = 0;
};

// The property `name` (NUL-terminated) of the root's child node `chosen`.
[[nodiscard]] PropertyValue find_chosen_property(std::span<const std::byte> blob, const char* name);

} // namespace base::fdt
