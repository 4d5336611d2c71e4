// The C++ glue the tool generated for vm_minimal, compiled and exercised: the VM's
// FileServer client stub talks to the FileServer's dispatch through a loopback.
#include "fserv_glue.hpp"
#include "newc_writer.hpp"
#include "vm0_glue.hpp"

#include <fileserver/file_server.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

namespace vm0 = bulkhead::glue::vm0;
namespace fserv = bulkhead::glue::fserv;

struct FakeFileServer {
    std::string opened;
    uint64_t caller = 0;
    int64_t open(uint64_t badge, std::string_view name, int32_t flags) {
        caller = badge;
        opened = std::string(name);
        return flags == 0 ? 3 : -13;
    }
    int64_t read(uint64_t, int64_t fd, uint64_t size) {
        return fd == 3 ? static_cast<int64_t>(size / 2) : -9;
    }
    int64_t seek(uint64_t, int64_t, int64_t offset, int32_t) { return offset; }
    int64_t close(uint64_t, int64_t fd) { return fd == 3 ? 0 : -9; }
};

struct Loopback {
    FakeFileServer& server;
    bool handled = false;
    void call(base::RpcMessage& msg) { handled = fserv::fs_ctrl_dispatch(server, 1, msg); }
};

TEST(Glue, AttributesAreTypedConstants) {
    static_assert(vm0::attr::base_prio == 100);
    static_assert(vm0::attr::num_vcpus == 1);
    static_assert(vm0::attr::linux_image_config.linux_name == "linux");
    static_assert(vm0::attr::linux_address_config.dtb_addr == "0x4F000000");
    static_assert(vm0::vm_layout::ram_base == 0x40000000 && vm0::vm_layout::ram_size == 0x20000000);
    static_assert(vm0::vm_layout::passthrough_irqs.size() == 1 &&
                  vm0::vm_layout::passthrough_irqs[0] == 33);
    static_assert(vm0::vm_layout::passthrough_regions[0].phys == 0x9000000);
    static_assert(fserv::attr::heap_size == 0x30000);
    static_assert(vm0::fs_buffer_size == 0x100000 && fserv::fs_ctrl_buffer_size == 0x100000);
    static_assert(vm0::notification_ready_connector_badge != 0);
    static_assert((vm0::notification_ready_badges & vm0::notification_ready_connector_badge) != 0);
    static_assert(!vm0::recv_connected && vm0::fs_connected);
    static_assert(vm0::thread_priority == 101 && fserv::thread_priority == 100);
    static_assert(vm0::caps::notification == 1 && vm0::caps::irq33 == 2 && vm0::caps::fs == 3);
    static_assert(fserv::caps::fs_ctrl == 1);
    static_assert(vm0::addresses::fs_buffer == fserv::addresses::fs_ctrl_buffer_1);
    static_assert(fserv::fs_ctrl_client_badges.size() == 1 && fserv::fs_ctrl_client_badges[0] == 1);
    SUCCEED();
}

TEST(Glue, RpcRoundTripThroughGeneratedStubAndDispatch) {
    FakeFileServer server;
    Loopback loop{server};
    vm0::fs_client<Loopback> fs(loop);
    EXPECT_EQ(fs.open("linux-initrd", 0), 3);
    EXPECT_TRUE(loop.handled);
    EXPECT_EQ(server.opened, "linux-initrd");
    EXPECT_EQ(fs.read(3, 100), 50);
    EXPECT_EQ(fs.seek(3, -7, 0), -7);
    EXPECT_EQ(fs.close(4), -9);
    EXPECT_EQ(server.caller, 1u);
}

TEST(Glue, DispatchRejectsUnknownMethodsAndShortMessages) {
    FakeFileServer server;
    base::RpcMessage msg;
    msg.begin(99);
    EXPECT_FALSE(fserv::fs_ctrl_dispatch(server, 1, msg));
    msg.begin(static_cast<uint32_t>(fserv::fs_ctrl_method::read));
    msg.put(int64_t{3}); // size missing
    EXPECT_FALSE(fserv::fs_ctrl_dispatch(server, 1, msg));
}

} // namespace

namespace {

// The generated dispatch drives the FileServer component's real protocol logic
// (libs/fileserver) with the caller's badge; data lands in the caller's buffer.
struct FileServerLoopback {
    fileserver::FileServer& server;
    uint64_t badge;
    void call(base::RpcMessage& msg) { fserv::fs_ctrl_dispatch(server, badge, msg); }
};

TEST(Glue, GeneratedDispatchServesTheRealFileServer) {
    auto archive =
        vmm::test::make_newc({{"linux", "0123456789abcdef"}, {"linux-initrd", "initrd"}});
    fileserver::FileServer server{archive};
    std::vector<std::byte> vm0_buffer(64);
    ASSERT_TRUE(server.add_client(fserv::fs_ctrl_client_badges[0], vm0_buffer));
    FileServerLoopback loop{server, fserv::fs_ctrl_client_badges[0]};
    vm0::fs_client<FileServerLoopback> fs(loop);
    int64_t fd = fs.open(vm0::vm_layout::linux_name, 0);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(fs.read(fd, 10), 10);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(vm0_buffer.data()), 10), "0123456789");
    EXPECT_EQ(fs.close(fd), 0);
    FileServerLoopback stranger{server, 7};
    vm0::fs_client<FileServerLoopback> other(stranger);
    EXPECT_LT(other.open("linux", 0), 0); // unknown badge
}

} // namespace
