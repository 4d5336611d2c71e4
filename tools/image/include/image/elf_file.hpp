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
    uint32_t flags = 0; // PF_R/PF_W/PF_X
    std::vector<uint8_t> data; // file contents (filesz bytes)
};

struct ElfImage {
    uint64_t entry = 0;
    std::vector<ElfSegment> segments; // PT_LOAD only
};

ElfImage read_elf(const std::string& path); // throws std::runtime_error naming the file
void write_elf(const std::string& path, const ElfImage& image);

} // namespace image
