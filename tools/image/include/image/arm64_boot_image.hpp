// The packed image as an arm64 Linux-style "Image" (Documentation/arch/arm64/booting.rst),
// so that U-Boot's booti (and any loader that boots Linux on arm64) starts Bulkhead the way
// boards start their kernels: caches and MMU off, at EL2, wherever the file was loaded.
#pragma once

#include "image/elf_file.hpp"

#include <cstdint>
#include <vector>

namespace image {

inline constexpr uint32_t kArm64ImageMagic = 0x644d5241; // "ARM\x64", little endian
inline constexpr uint64_t kArm64ImageHeaderSize = 64;

// Where the image wants to run and what the header says about it.
struct Arm64BootImage {
    uint64_t load_address = 0; // of the header: the lowest segment minus the header
    uint64_t text_offset = 0;  // load_address - ram_base
    uint64_t image_size = 0;   // header, segments and the zeroed memory they end with
    std::vector<uint8_t> bytes;
};

// Lays the segments out flat from the lowest one (gaps zero-filled), behind a header whose
// first instruction branches to the ELF's entry. Flags bit 3 is clear: the image's base is
// the start of RAM plus text_offset, so a loader moves it there from wherever it was
// loaded (U-Boot's booti does), and it runs at its link address. Throws when the image
// lies below ram_base, the entry is not in it, or it does not start 64 bytes clear of
// ram_base.
Arm64BootImage make_arm64_boot_image(const ElfImage& elf, uint64_t ram_base);

} // namespace image
