// CPIO newc reader: GNU cpio's own output, and archives damaged every way a header can
// be (truncation at every byte, bad magic, bad digits, huge sizes, name overflow).
#include <cpio/newc_reader.hpp>

#include "newc_writer.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

namespace vmm {
namespace {

using test::make_newc;

std::string text(std::span<const std::byte> data) {
    return {reinterpret_cast<const char*>(data.data()), data.size()};
}

TEST(NewcReader, WalksEntriesAndEndsAtTheTrailer) {
    const auto archive = make_newc({{"linux", "kernel!"}, {"dir", "", 040755}, {"linux-dtb", "d"}});
    cpio::NewcReader reader(archive);
    cpio::Entry e;
    ASSERT_EQ(reader.next(e), cpio::Error::Ok);
    EXPECT_EQ(e.name, "linux");
    EXPECT_EQ(text(e.data), "kernel!");
    EXPECT_TRUE(e.is_regular_file());
    ASSERT_EQ(reader.next(e), cpio::Error::Ok);
    EXPECT_FALSE(e.is_regular_file());
    ASSERT_EQ(reader.next(e), cpio::Error::Ok);
    EXPECT_EQ(text(e.data), "d");
    EXPECT_EQ(reader.next(e), cpio::Error::End);
    EXPECT_EQ(reader.next(e), cpio::Error::End);
}

TEST(NewcReader, FindsNamesWithOrWithoutLeadingDotSlash) {
    const auto archive = make_newc({{"./linux-initrd", "rd"}, {"linux", "k"}});
    cpio::Entry e;
    ASSERT_EQ(cpio::find(archive, "linux-initrd", e), cpio::Error::Ok);
    EXPECT_EQ(text(e.data), "rd");
    EXPECT_EQ(cpio::find(archive, "linux-dtb", e), cpio::Error::End);
}

TEST(NewcReader, ReadsWhatGnuCpioWrites) {
#ifdef BULKHEAD_TEST_CPIO_PATH
    std::ifstream file(BULKHEAD_TEST_CPIO_PATH, std::ios::binary);
    std::vector<char> raw((std::istreambuf_iterator<char>(file)), {});
    const auto archive = std::as_bytes(std::span(raw));
    cpio::Entry e;
    ASSERT_EQ(cpio::find(archive, "linux", e), cpio::Error::Ok);
    EXPECT_EQ(text(e.data), "pretend kernel\n");
    ASSERT_EQ(cpio::find(archive, "sub/nested", e), cpio::Error::Ok);
    EXPECT_EQ(text(e.data), "x\n");
    ASSERT_EQ(cpio::find(archive, "sub", e), cpio::Error::Ok);
    EXPECT_FALSE(e.is_regular_file());
#else
    GTEST_SKIP() << "no GNU cpio archive in this build";
#endif
}

TEST(NewcReader, EveryTruncationIsReportedNeverOverread) {
    const auto archive = make_newc({{"linux", "0123456789"}, {"linux-dtb", "abc"}});
    for (std::size_t cut = 0; cut < archive.size(); ++cut) {
        // A fresh copy of exactly `cut` bytes, so an overread leaves the allocation.
        std::vector<std::byte> part(archive.begin(), archive.begin() + static_cast<long>(cut));
        cpio::NewcReader reader(part);
        cpio::Entry e;
        cpio::Error err;
        int entries = 0;
        while ((err = reader.next(e)) == cpio::Error::Ok)
            ++entries;
        EXPECT_EQ(err, cpio::Error::Truncated) << "cut at " << cut;
        EXPECT_LE(entries, 2);
    }
}

TEST(NewcReader, BadMagicAndBadDigits) {
    auto archive = make_newc({{"linux", "k"}});
    archive[5] = std::byte{'9'};
    cpio::Entry e;
    EXPECT_EQ(cpio::NewcReader(archive).next(e), cpio::Error::BadMagic);
    archive = make_newc({{"linux", "k"}});
    archive[6 + 8 * 6 + 3] = std::byte{'g'}; // inside c_filesize
    EXPECT_EQ(cpio::NewcReader(archive).next(e), cpio::Error::BadNumber);
    archive = make_newc({{"linux", "k"}});
    archive[6] = std::byte{' '};
    EXPECT_EQ(cpio::NewcReader(archive).next(e), cpio::Error::BadNumber);
}

void set_field(std::vector<std::byte>& archive, std::size_t field, const char* hex8) {
    for (std::size_t i = 0; i < 8; ++i)
        archive[6 + 8 * field + i] = std::byte(hex8[i]);
}

TEST(NewcReader, HugeSizesAreTruncationNotOverflow) {
    auto archive = make_newc({{"linux", "k"}});
    cpio::Entry e;
    set_field(archive, 6, "FFFFFFFF"); // c_filesize
    EXPECT_EQ(cpio::NewcReader(archive).next(e), cpio::Error::Truncated);
    archive = make_newc({{"linux", "k"}});
    set_field(archive, 11, "00001001"); // c_namesize: 4097 fits kMaxName, not the archive
    EXPECT_EQ(cpio::NewcReader(archive).next(e), cpio::Error::Truncated);
}

TEST(NewcReader, NamesMustBeSaneAndTerminated) {
    cpio::Entry e;
    auto archive = make_newc({{"linux", "k"}});
    set_field(archive, 11, "FFFFFFFF");
    EXPECT_EQ(cpio::NewcReader(archive).next(e), cpio::Error::BadName);
    set_field(archive, 11, "00000001"); // empty name
    EXPECT_EQ(cpio::NewcReader(archive).next(e), cpio::Error::BadName);
    set_field(archive, 11, "00000004"); // "lin" + 'u' where the NUL should be
    EXPECT_EQ(cpio::NewcReader(archive).next(e), cpio::Error::BadName);
    archive = make_newc({{std::string("li\0ux", 5), "k"}});
    EXPECT_EQ(cpio::NewcReader(archive).next(e), cpio::Error::BadName);
}

TEST(NewcReader, MissingTrailerIsTruncation) {
    auto archive = make_newc({{"linux", "k"}});
    archive.resize(112 + 4); // header + "linux\0" padded + data padded, no trailer
    cpio::Entry e;
    EXPECT_EQ(cpio::find(archive, "nothere", e), cpio::Error::Truncated);
}

} // namespace
} // namespace vmm
