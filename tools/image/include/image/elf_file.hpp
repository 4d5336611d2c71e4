// Reading the loadable segments of AArch64 ELF executables (kernel, components) and
// writing the packed image ELF that QEMU's -kernel (or a boot loader) loads.
#pragma once

#include <cstdint>
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
template <class Wanted> ElfImage read_elf_segments(const std::string& path, Wanted wanted);
void write_elf(const std::string& path, const ElfImage& image);

namespace detail {
struct LoadPlace {
    uint64_t vaddr, paddr, memsz, offset, filesz;
    uint32_t flags;
};
// The header's entry and the PT_LOAD program headers, read without the rest of the file.
std::vector<LoadPlace> load_places(const std::string& path, uint64_t& entry);
std::vector<uint8_t> file_range(const std::string& path, uint64_t offset, uint64_t size);
} // namespace detail

template <class Wanted> ElfImage read_elf_segments(const std::string& path, Wanted wanted) {
    ElfImage image;
    for (const detail::LoadPlace& p : detail::load_places(path, image.entry)) {
        if (!wanted(p.paddr, p.filesz)) continue;
        image.segments.push_back(ElfSegment{.vaddr = p.vaddr,
                                            .paddr = p.paddr,
                                            .memsz = p.memsz,
                                            .flags = p.flags,
                                            .data = detail::file_range(path, p.offset, p.filesz)});
    }
    return image;
}

} // namespace image
