// arm64 Image header parsing and placement per the arm64 boot protocol.
#include <vmm/arm64_image.hpp>

#include <cstring>

namespace vmm {
namespace {

template <class T> T little_endian_at(std::span<const std::byte> bytes, std::size_t offset) {
    T value{};
    std::memcpy(&value, bytes.data() + offset, sizeof value); // the VMM is little-endian too
    return value;
}

} // namespace

const char* to_string(ImageError error) {
    switch (error) {
    case ImageError::Ok:
        return "ok";
    case ImageError::TooSmall:
        return "file shorter than an arm64 Image header";
    case ImageError::BadMagic:
        return "no arm64 Image magic at offset 56";
    case ImageError::BigEndian:
        return "big-endian kernel";
    case ImageError::NoRoom:
        return "no room in guest RAM for the Image";
    }
    return "?";
}

ImageError parse_arm64_image(std::span<const std::byte> image, Arm64ImageHeader& out) {
    if (image.size() < Arm64ImageHeader::kSize) return ImageError::TooSmall;
    if (little_endian_at<uint32_t>(image, 56) != Arm64ImageHeader::kMagic) {
        return ImageError::BadMagic;
    }
    out = Arm64ImageHeader{};
    out.text_offset = little_endian_at<uint64_t>(image, 8);
    out.image_size = little_endian_at<uint64_t>(image, 16);
    out.flags = little_endian_at<uint64_t>(image, 24);
    if (out.image_size == 0) {
        // Before Linux 3.17 the header carried neither size nor a reliable offset.
        out.text_offset = Arm64ImageHeader::kLegacyTextOffset;
        out.image_size = image.size();
        out.flags = 0;
    }
    out.big_endian = (out.flags & 1) != 0;
    out.page_size = static_cast<Arm64ImageHeader::PageSize>((out.flags >> 1) & 3);
    out.place_anywhere = ((out.flags >> 3) & 1) != 0;
    if (out.image_size < image.size()) out.image_size = image.size();
    return out.big_endian ? ImageError::BigEndian : ImageError::Ok;
}

ImageError place_arm64_image(const Arm64ImageHeader& header, base::GuestPhysRange ram,
                             std::span<const base::GuestPhysRange> reserved,
                             base::GuestPhysAddr& load_address) {
    constexpr uint64_t kAlign = Arm64ImageHeader::kBaseAlignment;
    if (ram.base.raw() > ~uint64_t{0} - kAlign) return ImageError::NoRoom;
    for (base::GuestPhysAddr base = ram.base.align_up(kAlign);; base += kAlign) {
        if (base.raw() + header.text_offset < base.raw()) return ImageError::NoRoom;
        const base::GuestPhysRange image{base + header.text_offset, header.image_size};
        if (image.base.raw() + image.size < image.base.raw() || !ram.contains(image)) {
            return ImageError::NoRoom;
        }
        bool clear = true;
        for (const base::GuestPhysRange& r : reserved)
            clear = clear && !r.overlaps(image);
        if (clear) {
            load_address = image.base;
            return ImageError::Ok;
        }
        if (!header.place_anywhere) return ImageError::NoRoom;
    }
}

} // namespace vmm
