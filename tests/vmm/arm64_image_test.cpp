// arm64 Image header parsing and placement (boot protocol), with Debian's 6.1 Image.
#include <vmm/arm64_image.hpp>

#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <vector>

namespace vmm {
namespace {

using base::GuestPhysAddr;
using base::GuestPhysRange;

// The first 64 bytes of Debian's linux-image-6.1.0-*-cloud-arm64 Image (xxd of the build's
// guest/baseline/linux): text_offset 0, image_size 0x1ab0000, flags 0xa (4K, anywhere).
constexpr std::array<uint8_t, 64> kDebianHeader = {
    0x4d, 0x5a, 0x40, 0xfa, 0x46, 0x63, 0x4e, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0xab, 0x01, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x41, 0x52, 0x4d, 0x64, 0x40, 0x00, 0x00, 0x00};

std::vector<std::byte> bytes_of(std::span<const uint8_t> raw) {
    std::vector<std::byte> out(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i)
        out[i] = std::byte{raw[i]};
    return out;
}

constexpr GuestPhysRange kRam{GuestPhysAddr(0x40000000), 0x20000000};
constexpr GuestPhysRange kDtb{GuestPhysAddr(0x4f000000), 0x200000};
constexpr GuestPhysRange kInitrd{GuestPhysAddr(0x4d700000), 0x1000000};

TEST(Arm64Image, ParsesTheDebianHeader) {
    Arm64ImageHeader h;
    ASSERT_EQ(parse_arm64_image(bytes_of(kDebianHeader), h), ImageError::Ok);
    EXPECT_EQ(h.text_offset, 0u);
    EXPECT_EQ(h.image_size, 0x1ab0000u);
    EXPECT_EQ(h.flags, 0xau);
    EXPECT_EQ(h.page_size, Arm64ImageHeader::PageSize::K4);
    EXPECT_TRUE(h.place_anywhere);
    EXPECT_FALSE(h.big_endian);
}

TEST(Arm64Image, ParsesTheRealGuestImageFile) {
#ifdef BULKHEAD_GUEST_IMAGE_PATH
    std::ifstream file(BULKHEAD_GUEST_IMAGE_PATH, std::ios::binary | std::ios::ate);
    ASSERT_TRUE(file) << BULKHEAD_GUEST_IMAGE_PATH;
    std::vector<char> raw(static_cast<std::size_t>(file.tellg()));
    file.seekg(0);
    file.read(raw.data(), static_cast<std::streamsize>(raw.size()));
    Arm64ImageHeader h;
    ASSERT_EQ(parse_arm64_image(std::as_bytes(std::span(raw)), h), ImageError::Ok);
    EXPECT_GE(h.image_size, raw.size()); // image_size includes BSS
    GuestPhysAddr load;
    const GuestPhysRange reserved[] = {kDtb, kInitrd};
    ASSERT_EQ(place_arm64_image(h, kRam, reserved, load), ImageError::Ok);
    EXPECT_EQ(load.raw(), 0x40000000u + h.text_offset);
#else
    GTEST_SKIP() << "no guest image in this build";
#endif
}

TEST(Arm64Image, RejectsWhatIsNotAnArm64Image) {
    Arm64ImageHeader h;
    auto image = bytes_of(kDebianHeader);
    EXPECT_EQ(parse_arm64_image(std::span(image).first(63), h), ImageError::TooSmall);
    image[57] = std::byte{'X'};
    EXPECT_EQ(parse_arm64_image(image, h), ImageError::BadMagic);
    image = bytes_of(kDebianHeader);
    image[24] = std::byte{0x0b}; // flags bit 0: big-endian
    EXPECT_EQ(parse_arm64_image(image, h), ImageError::BigEndian);
}

TEST(Arm64Image, LegacyImagesWithoutSizeUseTheOldTextOffset) {
    auto image = bytes_of(kDebianHeader);
    for (int i = 8; i < 32; ++i)
        image[i] = std::byte{0}; // text_offset, image_size, flags
    image.resize(4096);
    Arm64ImageHeader h;
    ASSERT_EQ(parse_arm64_image(image, h), ImageError::Ok);
    EXPECT_EQ(h.text_offset, 0x80000u);
    EXPECT_EQ(h.image_size, 4096u);
    EXPECT_FALSE(h.place_anywhere);
    GuestPhysAddr load;
    ASSERT_EQ(place_arm64_image(h, kRam, {}, load), ImageError::Ok);
    EXPECT_EQ(load.raw(), 0x40080000u); // upstream's RAM base + 0x80000
}

TEST(Arm64Image, PlacementSkipsReservedRangesOnlyWhenAllowedToMove) {
    Arm64ImageHeader h;
    ASSERT_EQ(parse_arm64_image(bytes_of(kDebianHeader), h), ImageError::Ok);
    const GuestPhysRange low_dtb[] = {{GuestPhysAddr(0x40100000), 0x10000}};
    GuestPhysAddr load;
    ASSERT_EQ(place_arm64_image(h, kRam, low_dtb, load), ImageError::Ok);
    EXPECT_EQ(load.raw(), 0x40200000u); // next 2 MiB boundary clear of the DTB
    h.place_anywhere = false;
    EXPECT_EQ(place_arm64_image(h, kRam, low_dtb, load), ImageError::NoRoom);
}

TEST(Arm64Image, PlacementAlignsTheBaseAndNeedsRoomForImageSize) {
    Arm64ImageHeader h;
    ASSERT_EQ(parse_arm64_image(bytes_of(kDebianHeader), h), ImageError::Ok);
    h.text_offset = 0x80000;
    GuestPhysAddr load;
    ASSERT_EQ(place_arm64_image(h, {GuestPhysAddr(0x40100000), 0x4000000}, {}, load),
              ImageError::Ok);
    EXPECT_EQ(load.raw(), 0x40280000u);
    EXPECT_EQ(place_arm64_image(h, {GuestPhysAddr(0x40000000), 0x1000000}, {}, load),
              ImageError::NoRoom); // 16 MiB of RAM cannot hold 27 MiB
    EXPECT_EQ(place_arm64_image(h, {GuestPhysAddr(~uint64_t{0} - 0x1000), 0x1000}, {}, load),
              ImageError::NoRoom);
    // Every 2 MiB slot collides with the initrd that fills RAM.
    const GuestPhysRange full[] = {kRam};
    EXPECT_EQ(place_arm64_image(h, kRam, full, load), ImageError::NoRoom);
}

} // namespace
} // namespace vmm
