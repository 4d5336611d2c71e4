// vm_minimal, written only with configurations/vm.h as upstream apps are, loaded
// through cpp like the tool does and resolved against QEMU virt's own DTB.
#include "adl/dot_writer.hpp"
#include "adl/loader.hpp"
#include "adl/report_writer.hpp"
#include "vm_minimal_app.hpp"

#include <gtest/gtest.h>

namespace {

struct VmMinimal : ::testing::Test {
    static adl::model::System resolve() { return tool_test::vm_minimal_system(); }
};

TEST_F(VmMinimal, HasTheUpstreamComposition) {
    auto s = resolve();
    ASSERT_EQ(s.instances.size(), 2u);
    EXPECT_EQ(s.instances[0].name, "fserv");
    EXPECT_EQ(s.instances[1].name, "vm0");
    ASSERT_EQ(s.connections.size(), 3u);
    EXPECT_EQ(s.connections[0].name, "fs0");
    EXPECT_EQ(s.connections[0].connector, "seL4RPCDataport");
    EXPECT_EQ(s.connections[0].shared_bytes, 0x100000u); // VM_CONFIGURATION_DEF's fs_shmem_size
    EXPECT_EQ(s.connections[1].connector, "seL4GlobalAsynch");
    EXPECT_EQ(s.connections[2].connector, "seL4VMDTBPassthrough");
    EXPECT_EQ(s.instance("vm0")->priority, 101);
}

TEST_F(VmMinimal, HasTheUpstreamMemoryMap) {
    auto s = resolve();
    const auto& vm = *s.instance("vm0")->vm;
    EXPECT_EQ(vm.layout.ram.base.raw(), 0x40000000u);
    EXPECT_EQ(vm.layout.ram.size, 0x20000000u);
    EXPECT_EQ(vm.layout.ram_paddr.raw(), 0x40000000u);
    EXPECT_TRUE(vm.unity);
    EXPECT_EQ(vm.layout.dtb.base.raw(), 0x4F000000u);
    EXPECT_EQ(vm.layout.initrd.base.raw(), 0x4D700000u);
    EXPECT_EQ(vm.address.initrd_max_size, 0x1900000u);
    EXPECT_EQ(vm.layout.initrd.size, 0x1900000u);
    EXPECT_EQ(vm.linux_name, "linux");
    EXPECT_EQ(vm.dtb_name, "linux-dtb");
    EXPECT_EQ(vm.initrd_name, "linux-initrd");
    ASSERT_EQ(s.regions.size(), 2u);
    EXPECT_EQ(s.regions[0].kind, adl::model::RegionKind::GuestRam);
    EXPECT_EQ(s.regions[1].kind, adl::model::RegionKind::Device);
    EXPECT_EQ(s.regions[1].phys.base.raw(), 0x9000000u);
    EXPECT_EQ(s.regions[1].phys.size, 0x1000u);
    EXPECT_EQ(s.regions[1].guest.base.raw(), 0x9000000u);
    EXPECT_EQ(s.regions[1].source, "/pl011@9000000");
    ASSERT_EQ(s.irqs.size(), 1u);
    EXPECT_EQ(s.irqs[0].number, 33u);
    EXPECT_EQ(s.irqs[0].owner, "vm0");
}

TEST_F(VmMinimal, ErrorsPointIntoTheOriginalFiles) {
    // The dtb() query was written in devices.camkes, under a macro-using assembly.
    auto s = resolve();
    EXPECT_NE(s.regions[1].where.file.find(BULKHEAD_REFERENCE_BOARD "/devices.camkes"),
              std::string::npos);
    EXPECT_EQ(s.regions[1].where.line, 33u);
    EXPECT_EQ(s.regions[1].where.column, 13u);
}

TEST_F(VmMinimal, ReportListsMapConnectionsAndNoEffectAttributes) {
    auto s = resolve();
    std::string r = adl::write_report(s);
    EXPECT_NE(r.find("vm0  guest-ram  0x40000000-0x60000000 -> 0x40000000-0x60000000  512 MiB"),
              std::string::npos)
        << r;
    EXPECT_NE(
        r.find(
            "vm0  device  0x09000000-0x09001000 -> 0x09000000-0x09001000  4 KiB  /pl011@9000000"),
        std::string::npos)
        << r;
    EXPECT_NE(
        r.find("linux-dtb at 0x4f000000, linux-initrd at 0x4d700000 (max 25 MiB); RAM mapped 1:1"),
        std::string::npos)
        << r;
    EXPECT_NE(r.find("vm0  33 level  /pl011@9000000"), std::string::npos) << r;
    EXPECT_NE(r.find("fs0 : seL4RPCDataport (rpc)  vm0.fs -> fserv.fs_ctrl"), std::string::npos)
        << r;
    for (const char* a : {"vm0.simple = true", "vm0.cnode_size_bits = 18",
                          "vm0.simple_untyped24_pool = 12", "vm0.asid_pool = true"}) {
        EXPECT_NE(r.find(a), std::string::npos) << a;
    }
    std::string dot = adl::write_dot(s);
    EXPECT_NE(dot.find("\"vm0\" -> \"fserv\" [style=solid, label=\"fs0\\nseL4RPCDataport\""),
              std::string::npos)
        << dot;
}

} // namespace

namespace {

TEST(VmMacros, VirtualSerialHelpersExpandPerVm) {
    auto app = tool_test::load_test_app("serial_app");
    auto s = adl::resolve(app.merged, {BULKHEAD_REFERENCE_BOARD, ""});
    std::vector<std::string> names;
    for (const auto& c : s.connections) {
        names.push_back(c.name);
    }
    EXPECT_EQ(names, (std::vector<std::string>{
                         "fs0", "notify_ready_vm0", "fs1", "notify_ready_vm1", "serialserver_timer",
                         "serial_vm0", "serial_input_vm0", "serial_vm1", "serial_input_vm1"}));
    ASSERT_NE(s.instance("serial"), nullptr);
    ASSERT_NE(s.instance("time_server"), nullptr);
    EXPECT_EQ(s.instance("time_server")->priority, 255);
    EXPECT_EQ(s.connections[6].shared_bytes, 0x1000u); // vm0.serial_getchar_shmem_size
    EXPECT_EQ(s.instance("vm1")->vm->num_vcpus, 2u);
    EXPECT_EQ(s.instance("vm1")->vm->layout.ram.base.raw(), 0x50000000u);
}

} // namespace
