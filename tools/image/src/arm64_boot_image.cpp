// The packed image as an arm64 boot Image (see arm64_boot_image.hpp).
#include "image/arm64_boot_image.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

namespace image {
namespace {

void put32(std::vector<uint8_t>& out, std::size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i)
        out[at + i] = static_cast<uint8_t>(v >> (8 * i));
}
void put64(std::vector<uint8_t>& out, std::size_t at, uint64_t v) {
    put32(out, at, static_cast<uint32_t>(v));
    put32(out, at + 4, static_cast<uint32_t>(v >> 32));
}

std::string hex(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

// The header's fields (booting.rst): code0, code1, text_offset, image_size, flags, three
// reserved words, magic, and the PE/COFF offset (none).
constexpr std::size_t kTextOffsetAt = 8;
constexpr std::size_t kImageSizeAt = 16;
constexpr std::size_t kFlagsAt = 24;
constexpr std::size_t kMagicAt = 56;
constexpr uint32_t kBranch = 0x14000000; // B imm26 (words)
constexpr uint64_t kBranchReach = uint64_t{1} << 27;

} // namespace

Arm64BootImage make_arm64_boot_image(const ElfImage& elf, uint64_t ram_base) {
    if (elf.segments.empty()) throw std::runtime_error("the image has no segments");
    uint64_t start = UINT64_MAX;
    uint64_t end = 0;
    for (const ElfSegment& s : elf.segments) {
        start = std::min(start, s.paddr);
        end = std::max(end, s.paddr + std::max<uint64_t>(s.memsz, s.data.size()));
    }
    if (start < ram_base + kArm64ImageHeaderSize) {
        throw std::runtime_error("the image starts at " + hex(start) +
                                 ", not 64 bytes above the board's RAM at " + hex(ram_base) +
                                 "; expected it inside RAM with room for the header");
    }
    if (elf.entry < start || elf.entry >= end ||
        elf.entry - start + kArm64ImageHeaderSize >= kBranchReach) {
        throw std::runtime_error("the entry " + hex(elf.entry) + " is not in the image [" +
                                 hex(start) + ", " + hex(end) + ") within a branch's reach");
    }
    Arm64BootImage out;
    out.load_address = start - kArm64ImageHeaderSize;
    out.text_offset = out.load_address - ram_base;
    out.image_size = end - out.load_address;
    out.bytes.assign(out.image_size, 0);
    for (const ElfSegment& s : elf.segments) {
        std::copy(s.data.begin(), s.data.end(),
                  out.bytes.begin() + static_cast<std::ptrdiff_t>(s.paddr - out.load_address));
    }
    const uint64_t words = (elf.entry - out.load_address) / 4;
    put32(out.bytes, 0, kBranch | static_cast<uint32_t>(words));
    put64(out.bytes, kTextOffsetAt, out.text_offset);
    put64(out.bytes, kImageSizeAt, out.image_size);
    put64(out.bytes, kFlagsAt, 0); // little endian, page size unspecified, base near RAM start
    put32(out.bytes, kMagicAt, kArm64ImageMagic);
    return out;
}

} // namespace image
