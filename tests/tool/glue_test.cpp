// The C++ glue the tool generated for vm_minimal, compiled and exercised: the VM's
// FileServer client stub talks to the FileServer's dispatch through a loopback.
#include "fserv_glue.hpp"
#include "vm0_glue.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

namespace vm0 = bulkhead::glue::vm0;
namespace fserv = bulkhead::glue::fserv;

struct FakeFileServer {
    std::string opened;
    int32_t open(std::string_view name, int32_t flags) {
        opened = std::string(name);
        return flags == 0 ? 3 : -1;
    }
    int32_t read(int32_t fd, int32_t size) { return fd == 3 ? size / 2 : -1; }
    int32_t seek(int32_t, int32_t offset, int32_t) { return offset; }
    int32_t close(int32_t fd) { return fd == 3 ? 0 : -1; }
};

struct Loopback {
    FakeFileServer& server;
    bool handled = false;
    void call(base::RpcMessage& msg) { handled = fserv::fs_ctrl_dispatch(server, msg); }
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
    static_assert(vm0::addresses::fs_buffer == fserv::addresses::fs_ctrl_buffer);
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
    EXPECT_EQ(fs.close(4), -1);
}

TEST(Glue, DispatchRejectsUnknownMethodsAndShortMessages) {
    FakeFileServer server;
    base::RpcMessage msg;
    msg.begin(99);
    EXPECT_FALSE(fserv::fs_ctrl_dispatch(server, msg));
    msg.begin(static_cast<uint32_t>(fserv::fs_ctrl_method::read));
    msg.put(int32_t{3}); // size missing
    EXPECT_FALSE(fserv::fs_ctrl_dispatch(server, msg));
}

} // namespace
