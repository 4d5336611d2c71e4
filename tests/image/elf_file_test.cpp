// The image tool's ELF reader: a file written by write_elf reads back whole, and
// read_elf_segments reads only the segments asked for (bulkhead_image qemu-smp).
#include "image/elf_file.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <numeric>
#include <string>
#include <unistd.h>

namespace {

// A file of this test's own: ctest runs each test as its own process, two at a time, and
// a shared name let one test delete or rewrite the other's file (a fresh-clone CI run
// failed both that way).
std::string temp_path(const char* suffix) {
    return ::testing::TempDir() + "elf_file_test." +
           ::testing::UnitTest::GetInstance()->current_test_info()->name() + "." +
           std::to_string(getpid()) + suffix;
}

struct TempElf {
    TempElf() {
        image::ElfImage elf;
        elf.entry = 0x60000000;
        const auto segment = [](uint64_t paddr, std::size_t size, uint8_t first) {
            image::ElfSegment s{.vaddr = paddr, .paddr = paddr, .memsz = size, .flags = 4};
            s.data.resize(size);
            std::iota(s.data.begin(), s.data.end(), first);
            return s;
        };
        elf.segments = {segment(0x60000000, 64, 1), segment(0x60600000, 1 << 20, 2),
                        segment(0x62220000, 100, 3)};
        image::write_elf(path, elf);
    }
    ~TempElf() { std::remove(path.c_str()); }
    TempElf(const TempElf&) = delete;
    TempElf& operator=(const TempElf&) = delete;
    std::string path = temp_path(".elf");
};

TEST(ElfFile, WholeFileReadsBack) {
    const TempElf f;
    const image::ElfImage elf = image::read_elf(f.path);
    EXPECT_EQ(elf.entry, 0x60000000u);
    ASSERT_EQ(elf.segments.size(), 3u);
    EXPECT_EQ(elf.segments[1].data.size(), 1u << 20);
    EXPECT_EQ(elf.segments[2].data[0], 3);
}

TEST(ElfFile, SelectedSegmentsOnly) {
    const TempElf f;
    const image::ElfImage none =
        image::read_elf_segments(f.path, [](uint64_t, uint64_t) { return false; });
    EXPECT_EQ(none.entry, 0x60000000u) << "the header alone gives the entry";
    EXPECT_TRUE(none.segments.empty());

    const image::ElfImage two = image::read_elf_segments(
        f.path, [](uint64_t paddr, uint64_t size) { return size < 4096 && paddr != 0x60000000; });
    ASSERT_EQ(two.segments.size(), 1u) << "the 1 MiB segment and the entry's are left out";
    const image::ElfSegment& s = two.segments[0];
    EXPECT_EQ(s.paddr, 0x62220000u);
    EXPECT_EQ(s.memsz, 100u);
    ASSERT_EQ(s.data.size(), 100u);
    EXPECT_EQ(s.data[0], 3);
    EXPECT_EQ(s.data[99], 102) << "its bytes, from its own place in the file";
}

TEST(ElfFile, NotAnElfSaysSo) {
    const std::string path = temp_path(".txt");
    std::ofstream(path) << "not an ELF file, but longer than an ELF header is: 64 bytes or more";
    try {
        (void)image::read_elf_segments(path, [](uint64_t, uint64_t) { return true; });
        ADD_FAILURE() << "no error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("not an ELF file"), std::string::npos) << e.what();
    }
    std::remove(path.c_str());
}

} // namespace
