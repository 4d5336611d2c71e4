// The arm64 Linux Image header (Documentation/arch/arm64/booting.rst) and where the
// boot protocol lets the VMM place the Image in guest RAM: a 2 MiB-aligned base plus
// text_offset, with image_size bytes of room, inside RAM and clear of the DTB/initrd.
#pragma once

#include <base/address.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace vmm {

struct Arm64ImageHeader {
    static constexpr std::size_t kSize = 64;
    static constexpr uint32_t kMagic = 0x644d5241; // "ARM\x64", little-endian at offset 56
    static constexpr uint64_t kLegacyTextOffset = 0x80000;
    static constexpr uint64_t kBaseAlignment = uint64_t{2} << 20;

    enum class PageSize : uint8_t { Unspecified, K4, K16, K64 };

    uint64_t text_offset = 0;
    uint64_t image_size = 0; // effective: the file size for pre-3.17 Images (field 0)
    uint64_t flags = 0;
    bool big_endian = false;
    PageSize page_size = PageSize::Unspecified;
    bool place_anywhere = false; // flags bit 3: any 2 MiB-aligned base in RAM
};

enum class ImageError : uint8_t { Ok, TooSmall, BadMagic, BigEndian, NoRoom };
[[nodiscard]] const char* to_string(ImageError error);

[[nodiscard]] ImageError parse_arm64_image(std::span<const std::byte> image, Arm64ImageHeader& out);

// The load address (2 MiB-aligned base + text_offset) of the lowest placement that fits
// in `ram` and overlaps none of `reserved` (DTB, initrd, ...). Without the
// place-anywhere flag only the first 2 MiB boundary of RAM is allowed.
[[nodiscard]] ImageError place_arm64_image(const Arm64ImageHeader& header, base::GuestPhysRange ram,
                                           std::span<const base::GuestPhysRange> reserved,
                                           base::GuestPhysAddr& load_address);

} // namespace vmm
