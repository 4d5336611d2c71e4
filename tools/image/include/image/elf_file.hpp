// Reading the loadable segments of AArch64 ELF executables (kernel, components) and
// writing the packed image ELF that QEMU's -kernel (or a boot loader) loads.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace image {

struct ElfSegment {
    uint64_t vaddr = 0;
    uint64_t paddr = 0;
    uint64_t memsz = 0;
    uint32_t flags = 0;        // PF_R/PF_W/PF_X
    std::vector<uint8_t> data; // file contents (filesz bytes)
};

struct ElfRelocation {
    uint64_t offset = 0; // link-time address of the word to patch
    uint32_t type = 0;   // R_AARCH64_*
    int64_t addend = 0;
};

struct ElfImage {
    uint64_t entry = 0;
    bool position_independent = false;      // ET_DYN: may be placed anywhere
    std::vector<ElfSegment> segments;       // PT_LOAD only
    std::vector<ElfRelocation> relocations; // from PT_DYNAMIC's DT_RELA table
};

// Moves a position-independent image to `base`: applies its relocations (only
// R_AARCH64_RELATIVE is allowed) and rebases segments and entry. Throws otherwise.
void relocate(ElfImage& image, uint64_t base, const std::string& what);

ElfImage read_elf(const std::string& path); // throws std::runtime_error naming the file

// The same ELF with only the loadable segments `wanted(paddr, file size)` selects read
// from the file (the others are left out of `segments`): for a command that needs two
// small segments of a system image of tens of MB (bulkhead_image qemu-smp, run before
// every QEMU start). Not for position-independent files (their relocations are not read).
using SegmentWanted = std::function<bool(uint64_t paddr, uint64_t file_size)>;
ElfImage read_elf_segments(const std::string& path, const SegmentWanted& wanted);
void write_elf(const std::string& path, const ElfImage& image);

} // namespace image
