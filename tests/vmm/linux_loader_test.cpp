// Loading a guest through the real FileServer protocol class: Image placed per its
// header, guest DTB built from QEMU virt's DTB with the initrd's real size, initrd
// copied; missing and bad files are reported.
#include <vmm/linux_loader.hpp>

#include <arch/gic_v2.hpp>

#include <fileserver/file_server.hpp>

#include "fake_log.hpp"
#include "newc_writer.hpp"

#include <libfdt.h>

#include <gtest/gtest.h>

#include <fstream>

namespace vmm {
namespace {

using base::GuestPhysAddr;

// The VM's FileServer connection, here straight into the protocol class.
class DirectFileSource final : public FileSource {
public:
    DirectFileSource(fileserver::FileServer& fs, std::span<std::byte> port) : fs_(fs), port_(port) {
        EXPECT_TRUE(fs_.add_client(kBadge, port));
    }
    int64_t open(std::string_view name) override { return fs_.open(kBadge, name, 0); }
    int64_t read(int64_t fd, uint64_t size) override { return fs_.read(kBadge, fd, size); }
    int64_t seek(int64_t fd, int64_t offset, int whence) override {
        return fs_.seek(kBadge, fd, offset, whence);
    }
    int64_t close(int64_t fd) override { return fs_.close(kBadge, fd); }
    std::span<const std::byte> dataport() const override { return port_; }

private:
    static constexpr fileserver::Badge kBadge = 7;
    fileserver::FileServer& fs_;
    std::span<std::byte> port_;
};

std::string file_text(const char* path) {
    std::ifstream file(path, std::ios::binary | std::ios::ate);
    std::string out(file ? static_cast<std::size_t>(file.tellg()) : 0, '\0');
    file.seekg(0);
    file.read(out.data(), static_cast<std::streamsize>(out.size()));
    return out;
}

// Debian 6.1's header (see arm64_image_test.cpp) followed by a recognisable body.
std::string fake_kernel() {
    std::string k(64, '\0');
    k[0] = 'M';
    k[1] = 'Z';
    k[18] = '\xab';
    k[19] = '\x01'; // image_size 0x1ab0000
    k[24] = '\x0a'; // 4K pages, place anywhere
    k.replace(56, 4, "ARMd");
    for (int i = 0; i < 10000; ++i)
        k.push_back(static_cast<char>(i * 7));
    return k;
}

struct LinuxLoaderTest : ::testing::Test {
    static constexpr uint64_t kRamBase = 0x40000000;
    static constexpr uint64_t kRamSize = 64 << 20;
    std::vector<std::byte> ram = std::vector<std::byte>(kRamSize);
    MappedGuestMemory memory;
    std::vector<std::byte> scratch = std::vector<std::byte>(2 << 20);
    std::vector<std::byte> port = std::vector<std::byte>(4096);
    std::string initrd = std::string(100001, 'i');
    std::vector<std::byte> archive;
    GuestRamLayout layout;
    test::RecordingLog log;
    std::string_view passthrough[1] = {"/pl011@9000000"};
    GuestDtbConfig dtb_config;

    void SetUp() override {
#ifndef BULKHEAD_PLATFORM_DTB_PATH
        GTEST_SKIP() << "needs qemu-arm-virt's DTB";
#else
        archive = test::make_newc({{"linux", fake_kernel()},
                                   {"linux-dtb", file_text(BULKHEAD_PLATFORM_DTB_PATH)},
                                   {"linux-initrd", initrd}});
#endif
        ASSERT_TRUE(memory.add_region({GuestPhysAddr(kRamBase), kRamSize}, ram));
        ASSERT_EQ(guest_ram_layout(address_config(0x1000000), true, layout), LayoutError::Ok);
        dtb_config.bootargs = "console=ttyAMA0";
        dtb_config.stdout_path = "/pl011@9000000";
        dtb_config.passthrough = passthrough;
        dtb_config.gicd = {GuestPhysAddr(0x8000000), arm::gicv2::gicd::kFrameSize};
        dtb_config.gicc = {GuestPhysAddr(0x8010000), arm::gicv2::gicc::kFrameSize};
    }
    static LinuxAddressConfig address_config(uint64_t initrd_max_size) {
        LinuxAddressConfig c;
        c.linux_ram_base = c.linux_ram_paddr_base = kRamBase;
        c.linux_ram_size = kRamSize;
        c.dtb_addr = 0x43000000;
        c.initrd_addr = 0x42000000;
        c.initrd_max_size = initrd_max_size;
        return c;
    }
    std::byte* at(uint64_t ipa) {
        return ram.data() + (ipa - kRamBase);
    }
};

TEST_F(LinuxLoaderTest, LoadsImageDtbAndInitrdWhereTheBootProtocolSays) {
    fileserver::FileServer fs(archive);
    DirectFileSource files(fs, port);
    LinuxBoot boot;
    ASSERT_EQ(load_linux(files, memory, layout, {}, dtb_config, scratch, log, boot), LoadError::Ok);
    EXPECT_EQ(boot.entry.raw(), kRamBase); // text_offset 0, 2 MiB-aligned RAM base
    EXPECT_EQ(boot.image_size, fake_kernel().size());
    EXPECT_EQ(boot.dtb.raw(), 0x43000000u);
    EXPECT_EQ(boot.initrd.base.raw(), 0x42000000u);
    EXPECT_EQ(boot.initrd.size, initrd.size());
    EXPECT_EQ(fs.open_files(), 0u); // every fd closed again

    const std::string kernel = fake_kernel();
    EXPECT_EQ(std::memcmp(at(kRamBase), kernel.data(), kernel.size()), 0);
    EXPECT_EQ(std::memcmp(at(0x42000000), initrd.data(), initrd.size()), 0);

    const void* fdt = at(0x43000000);
    ASSERT_EQ(fdt_check_full(fdt, boot.dtb_size), 0);
    const int chosen = fdt_path_offset(fdt, "/chosen");
    const auto* end =
        static_cast<const fdt64_t*>(fdt_getprop(fdt, chosen, "linux,initrd-end", nullptr));
    ASSERT_NE(end, nullptr);
    EXPECT_EQ(fdt64_to_cpu(*end), 0x42000000u + initrd.size());
    EXPECT_GE(fdt_path_offset(fdt, "/memory@40000000"), 0);
    ASSERT_EQ(log.lines.size(), 1u);
    EXPECT_NE(log.lines[0].find("vmm: loaded linux (10064 bytes) at 0x40000000"),
              std::string::npos);
}

// vm_minimal keeps the first 2 MiB clear (QEMU's own DTB lives there when it boots an
// ELF); a place-anywhere Image then goes to the next 2 MiB boundary.
TEST_F(LinuxLoaderTest, ImageStaysOutOfTheKeepClearRange) {
    fileserver::FileServer fs(archive);
    DirectFileSource files(fs, port);
    LinuxBoot boot;
    LinuxImageConfig names;
    names.image_keep_clear = {GuestPhysAddr{kRamBase}, 2 << 20};
    ASSERT_EQ(load_linux(files, memory, layout, names, dtb_config, scratch, log, boot),
              LoadError::Ok);
    EXPECT_EQ(boot.entry.raw(), kRamBase + (2 << 20));
    const std::string kernel = fake_kernel();
    EXPECT_EQ(std::memcmp(at(kRamBase + (2 << 20)), kernel.data(), kernel.size()), 0);
}

TEST_F(LinuxLoaderTest, NoInitrdMeansNoInitrdProperties) {
    fileserver::FileServer fs(archive);
    DirectFileSource files(fs, port);
    LinuxBoot boot;
    LinuxImageConfig names;
    names.initrd_name = "";
    ASSERT_EQ(load_linux(files, memory, layout, names, dtb_config, scratch, log, boot),
              LoadError::Ok);
    EXPECT_EQ(boot.initrd.size, 0u);
    EXPECT_EQ(fdt_getprop(at(0x43000000), fdt_path_offset(at(0x43000000), "/chosen"),
                          "linux,initrd-start", nullptr),
              nullptr);
}

TEST_F(LinuxLoaderTest, MissingAndBadFilesAreReportedByName) {
    fileserver::FileServer fs(archive);
    DirectFileSource files(fs, port);
    LinuxBoot boot;
    LinuxImageConfig names;
    names.linux_name = "vmlinux";
    EXPECT_EQ(load_linux(files, memory, layout, names, dtb_config, scratch, log, boot),
              LoadError::FileMissing);
    EXPECT_EQ(log.lines.back(),
              "vmm: cannot load kernel 'vmlinux': no such file on the FileServer");
    names = {};
    names.linux_name = "linux-initrd"; // not an Image
    EXPECT_EQ(load_linux(files, memory, layout, names, dtb_config, scratch, log, boot),
              LoadError::BadImage);
    EXPECT_NE(log.lines.back().find("no arm64 Image magic"), std::string::npos);
    names = {};
    names.dtb_name = "linux"; // not a DTB
    EXPECT_EQ(load_linux(files, memory, layout, names, dtb_config, scratch, log, boot),
              LoadError::BadDtb);
    EXPECT_EQ(fs.open_files(), 0u);
}

TEST_F(LinuxLoaderTest, FilesLargerThanTheirRoomAreRefused) {
    fileserver::FileServer fs(archive);
    DirectFileSource files(fs, port);
    LinuxBoot boot;
    std::vector<std::byte> small_scratch(4096); // the 1 MiB platform DTB does not fit
    EXPECT_EQ(load_linux(files, memory, layout, {}, dtb_config, small_scratch, log, boot),
              LoadError::TooLarge);
    ASSERT_EQ(guest_ram_layout(address_config(4096), true, layout), LayoutError::Ok);
    EXPECT_EQ(load_linux(files, memory, layout, {}, dtb_config, scratch, log, boot),
              LoadError::TooLarge);
    EXPECT_EQ(log.lines.back(), "vmm: cannot load initrd 'linux-initrd': does not fit");
}

} // namespace
} // namespace vmm
