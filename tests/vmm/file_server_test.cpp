// FileServer protocol: open/read/seek/close through each client's dataport, and the
// badge check that keeps one client's fds away from another.
#include <fileserver/file_server.hpp>

#include "newc_writer.hpp"

#include <gtest/gtest.h>

#include <string>

namespace vmm {
namespace {

using fileserver::FileServer;

constexpr fileserver::Badge kVm = 1;
constexpr fileserver::Badge kOther = 2;
constexpr fileserver::Badge kStranger = 3;

struct FileServerTest : ::testing::Test {
    std::vector<std::byte> archive =
        test::make_newc({{"linux", "0123456789abcdef"}, {"linux-dtb", "DTB"}, {"etc", "", 040755}});
    std::vector<std::byte> vm_port = std::vector<std::byte>(8);
    std::vector<std::byte> other_port = std::vector<std::byte>(64);
    FileServer fs{archive};

    void SetUp() override {
        ASSERT_TRUE(fs.add_client(kVm, vm_port));
        ASSERT_TRUE(fs.add_client(kOther, other_port));
    }
    std::string port(const std::vector<std::byte>& p, int64_t n) {
        return {reinterpret_cast<const char*>(p.data()), static_cast<std::size_t>(n)};
    }
};

TEST_F(FileServerTest, RegistrationRejectsDuplicatesAndEmptyDataports) {
    EXPECT_FALSE(fs.add_client(kVm, vm_port));
    EXPECT_FALSE(fs.add_client(kStranger, {}));
}

TEST_F(FileServerTest, ReadsAFileInDataportSizedChunks) {
    const int64_t fd = fs.open(kVm, "linux", 0);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(fs.read(kVm, fd, 100), 8); // bounded by the 8-byte dataport
    EXPECT_EQ(port(vm_port, 8), "01234567");
    EXPECT_EQ(fs.read(kVm, fd, 3), 3);
    EXPECT_EQ(port(vm_port, 3), "89a");
    EXPECT_EQ(fs.read(kVm, fd, 100), 5);
    EXPECT_EQ(port(vm_port, 5), "bcdef");
    EXPECT_EQ(fs.read(kVm, fd, 100), 0); // end of file
    EXPECT_EQ(fs.close(kVm, fd), 0);
    EXPECT_EQ(fs.open_files(), 0u);
}

TEST_F(FileServerTest, SeekFromStartCurrentAndEnd) {
    const int64_t fd = fs.open(kVm, "linux", 0);
    EXPECT_EQ(fs.seek(kVm, fd, 4, fileserver::kSeekSet), 4);
    EXPECT_EQ(fs.seek(kVm, fd, 2, fileserver::kSeekCur), 6);
    EXPECT_EQ(fs.read(kVm, fd, 2), 2);
    EXPECT_EQ(port(vm_port, 2), "67");
    EXPECT_EQ(fs.seek(kVm, fd, -1, fileserver::kSeekEnd), 15);
    EXPECT_EQ(fs.read(kVm, fd, 8), 1);
    EXPECT_EQ(port(vm_port, 1), "f");
    EXPECT_EQ(fs.seek(kVm, fd, 100, fileserver::kSeekSet), 100); // past the end: reads 0
    EXPECT_EQ(fs.read(kVm, fd, 8), 0);
    EXPECT_EQ(fs.seek(kVm, fd, -101, fileserver::kSeekCur), fileserver::kInvalid);
    EXPECT_EQ(fs.seek(kVm, fd, INT64_MAX, fileserver::kSeekCur), fileserver::kInvalid);
    EXPECT_EQ(fs.seek(kVm, fd, 0, 7), fileserver::kInvalid);
}

TEST_F(FileServerTest, OpenRefusesMissingNamesDirectoriesWritesAndStrangers) {
    EXPECT_EQ(fs.open(kVm, "linux-initrd", 0), fileserver::kNoEntry);
    EXPECT_EQ(fs.open(kVm, "etc", 0), fileserver::kNoEntry);
    EXPECT_EQ(fs.open(kVm, "", 0), fileserver::kNoEntry);
    EXPECT_EQ(fs.open(kVm, "linux", 1), fileserver::kAccess); // O_WRONLY
    EXPECT_EQ(fs.open(kVm, "linux", 2), fileserver::kAccess); // O_RDWR
    EXPECT_EQ(fs.open(kStranger, "linux", 0), fileserver::kAccess);
}

TEST_F(FileServerTest, AnotherClientsFdIsABadFd) {
    const int64_t fd = fs.open(kVm, "linux-dtb", 0);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(fs.read(kOther, fd, 8), fileserver::kBadFd);
    EXPECT_EQ(fs.seek(kOther, fd, 0, fileserver::kSeekSet), fileserver::kBadFd);
    EXPECT_EQ(fs.close(kOther, fd), fileserver::kBadFd);
    EXPECT_EQ(fs.read(kStranger, fd, 8), fileserver::kBadFd);
    // Nothing of the VM's file leaked into the other client's dataport; its fd still works.
    EXPECT_EQ(other_port[0], std::byte{0});
    EXPECT_EQ(fs.read(kVm, fd, 8), 3);
    EXPECT_EQ(port(vm_port, 3), "DTB");
}

TEST_F(FileServerTest, BadAndStaleFdsAreRefused) {
    for (int64_t fd : {int64_t{-1}, int64_t{0}, int64_t{31}, int64_t{32}, INT64_MAX, INT64_MIN}) {
        EXPECT_EQ(fs.read(kVm, fd, 1), fileserver::kBadFd) << fd;
        EXPECT_EQ(fs.close(kVm, fd), fileserver::kBadFd) << fd;
    }
    const int64_t fd = fs.open(kVm, "linux", 0);
    EXPECT_EQ(fs.close(kVm, fd), 0);
    EXPECT_EQ(fs.close(kVm, fd), fileserver::kBadFd); // double close
    EXPECT_EQ(fs.read(kVm, fd, 1), fileserver::kBadFd);
}

TEST_F(FileServerTest, OpenFileTableFillsUpAndRecovers) {
    std::vector<int64_t> fds;
    for (std::size_t i = 0; i < FileServer::kMaxOpenFiles; ++i) {
        fds.push_back(fs.open(i % 2 ? kVm : kOther, "linux", 0));
        ASSERT_GE(fds.back(), 0);
    }
    EXPECT_EQ(fs.open(kVm, "linux", 0), fileserver::kTooManyFiles);
    EXPECT_EQ(fs.close(kVm, fds[1]), 0);
    EXPECT_EQ(fs.open(kVm, "linux", 0), fds[1]);
}

TEST(FileServerArchive, CorruptArchiveServesNothing) {
    auto archive = test::make_newc({{"linux", "k"}});
    archive[0] = std::byte{'X'};
    FileServer fs{archive};
    std::vector<std::byte> port(8);
    ASSERT_TRUE(fs.add_client(kVm, port));
    EXPECT_EQ(fs.open(kVm, "linux", 0), fileserver::kNoEntry);
}

} // namespace
} // namespace vmm
