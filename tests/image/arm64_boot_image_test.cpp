// The packed image as an arm64 boot Image: the header U-Boot's booti reads, the flat
// layout of the segments, and the images it refuses.
#include "image/arm64_boot_image.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>

namespace image {
namespace {

uint64_t u64_at(const std::vector<uint8_t>& b, std::size_t at) {
    uint64_t v = 0;
    std::memcpy(&v, b.data() + at, sizeof v); // the host is little endian, as the header
    return v;
}
uint32_t u32_at(const std::vector<uint8_t>& b, std::size_t at) {
    uint32_t v = 0;
    std::memcpy(&v, b.data() + at, sizeof v);
    return v;
}

ElfImage two_segments() {
    ElfImage elf;
    elf.entry = 0x60000100;
    ElfSegment code;
    code.paddr = 0x60000000;
    code.data = {0xaa, 0xbb, 0xcc, 0xdd};
    code.memsz = 0x1000;
    ElfSegment data;
    data.paddr = 0x60004000;
    data.data = {1, 2, 3};
    data.memsz = 0x2000; // ends in zeroed memory
    elf.segments = {data, code};
    return elf;
}

TEST(Arm64BootImage, HeaderSaysWhereTheImageRunsAndBranchesToTheEntry) {
    const Arm64BootImage img = make_arm64_boot_image(two_segments(), 0x40000000);
    EXPECT_EQ(img.load_address, 0x60000000u - 64);
    EXPECT_EQ(img.text_offset, 0x20000000u - 64);
    EXPECT_EQ(img.image_size, 0x60006000u - img.load_address);
    ASSERT_EQ(img.bytes.size(), img.image_size);
    // b <entry>: imm26 counts words from the header's first byte.
    EXPECT_EQ(u32_at(img.bytes, 0), 0x14000000u | ((64 + 0x100) / 4));
    EXPECT_EQ(u64_at(img.bytes, 8), img.text_offset);
    EXPECT_EQ(u64_at(img.bytes, 16), img.image_size);
    EXPECT_EQ(u64_at(img.bytes, 24), 0u) << "little endian, base near the start of RAM";
    EXPECT_EQ(u32_at(img.bytes, 56), kArm64ImageMagic);
    EXPECT_EQ(std::memcmp(img.bytes.data() + 56, "ARM\x64", 4), 0);
}

TEST(Arm64BootImage, SegmentsSitAtTheirAddressesAndGapsAreZero) {
    const Arm64BootImage img = make_arm64_boot_image(two_segments(), 0x40000000);
    const auto at = [&](uint64_t pa) { return img.bytes.at(pa - img.load_address); };
    EXPECT_EQ(at(0x60000000), 0xaa);
    EXPECT_EQ(at(0x60000003), 0xdd);
    EXPECT_EQ(at(0x60000004), 0);
    EXPECT_EQ(at(0x60003fff), 0);
    EXPECT_EQ(at(0x60004002), 3);
    EXPECT_EQ(at(0x60005fff), 0);
}

TEST(Arm64BootImage, RefusesWhatCannotBootThisWay) {
    EXPECT_THROW((void)make_arm64_boot_image(ElfImage{}, 0x40000000), std::runtime_error);
    // No room for the header above RAM's start, or the image below RAM.
    EXPECT_THROW((void)make_arm64_boot_image(two_segments(), 0x60000000), std::runtime_error);
    EXPECT_THROW((void)make_arm64_boot_image(two_segments(), 0x70000000), std::runtime_error);
    ElfImage outside = two_segments();
    outside.entry = 0x70000000;
    try {
        (void)make_arm64_boot_image(outside, 0x40000000);
        FAIL() << "an entry outside the image was accepted";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("the entry 0x70000000 is not in the image"),
                  std::string::npos)
            << e.what();
    }
}

} // namespace
} // namespace image
