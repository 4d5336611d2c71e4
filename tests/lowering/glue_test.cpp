// The C++ glue the tool generated for vm_minimal's component types, compiled and
// exercised: each instance's page, written by the lowering, read back through the typed
// accessors; the VM's FileServer client stub talking to the FileServer's dispatch.
#include "FileServer_glue.hpp"
#include "VM_glue.hpp"
#include "newc_writer.hpp"
#include "vm_minimal_app.hpp"

#include <adl/diagnostic.hpp>
#include <fileserver/file_server.hpp>
#include <image/board.hpp>
#include <lowering/lowering.hpp>
#include <vmm/vm_config.hpp>

#include <gtest/gtest.h>

#include <functional>
#include <map>

#include <cstring>
#include <string>

namespace {

namespace vm0 = bulkhead::glue::VM;
namespace fserv = bulkhead::glue::FileServer;

// vm_minimal lowered; the contents of each instance's page region.
struct Lowered {
    image::SystemBuilder builder{*image::BoardRegistry::find(BULKHEAD_REFERENCE_BOARD)};
    adl::model::System system = tool_test::vm_minimal_system();
    std::vector<lowering::InstanceObjects> objects = lowering::lower_system(system, builder, {});

    std::vector<uint8_t> page(const std::string& instance) const {
        for (const auto& r : builder.description().regions)
            if (r.name == instance + ":instance") return r.contents;
        return {};
    }
};

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

TEST(Glue, InstancePagesReadBackThroughTheTypedAccessors) {
    const Lowered l;
    const std::vector<uint8_t> vm_page = l.page("vm0");
    const std::vector<uint8_t> fs_page = l.page("fserv");
    const vm0::Instance vm(spec::instance::PageView(vm_page.data(), vm0::type_hash));
    const fserv::Instance fs(spec::instance::PageView(fs_page.data(), fserv::type_hash));
    ASSERT_TRUE(vm.valid() && fs.valid());
    EXPECT_EQ(vm.name(), "vm0");
    EXPECT_EQ(vm.priority(), 101u);
    EXPECT_EQ(fs.priority(), 150u);
    // Attributes, defaults applied, structs field by field.
    EXPECT_EQ(vm.base_prio(), 100);
    EXPECT_EQ(vm.num_vcpus(), 1);
    EXPECT_EQ(vm.irqs_count(), 0u);
    EXPECT_EQ(vm.linux_image_config().linux_name, "linux");
    EXPECT_EQ(vm.linux_image_config().linux_bootcmdline, "console=ttyAMA0");
    EXPECT_EQ(vm.linux_address_config().dtb_addr, "0x4F000000");
    // Interfaces: what the lowering recorded, slot for slot.
    const auto& objects = l.objects[1];
    EXPECT_TRUE(vm.fs_connected());
    EXPECT_FALSE(vm.recv_connected());
    EXPECT_EQ(vm.fs_slot(), *objects.cap("fs"));
    EXPECT_EQ(vm.fs_badge(), 1u);
    ASSERT_EQ(vm.fs_buffer_count(), 1u);
    EXPECT_EQ(vm.fs_buffer().size, 0x100000u);
    EXPECT_EQ(reinterpret_cast<uint64_t>(vm.fs_buffer().data),
              lowering::shared_window_base(*image::BoardRegistry::find(BULKHEAD_REFERENCE_BOARD)));
    EXPECT_EQ(vm.notification_slot(), *objects.cap("notification"));
    EXPECT_NE(vm.notification_ready_connector_badge(), 0u);
    EXPECT_EQ(vm.notification_ready_badge() & vm.notification_ready_connector_badge(),
              vm.notification_ready_connector_badge());
    EXPECT_EQ(fs.fs_ctrl_slot(), *l.objects[0].cap("fs_ctrl"));
    ASSERT_EQ(fs.fs_ctrl_buffer_count(), 1u);
    EXPECT_EQ(fs.fs_ctrl_buffer(0).peer_badge, 1u);
}

// The VM's binary configuration in its page's type blob: vm_minimal starts no VMM module
// and gets no device window; vm_virtio_net's `vmm_modules` become the modules table, with a
// 64 KiB window just below guest RAM (QEMU's PCIe ECAM there is not in the guest's DTB) and
// the PCI window below that.
TEST(Glue, VmConfigurationCarriesTheVmmModulesAndTheirWindow) {
    const Lowered l;
    const std::vector<uint8_t> minimal_page = l.page("vm0");
    const vm0::Instance minimal(spec::instance::PageView(minimal_page.data(), vm0::type_hash));
    vmm::vm_config::View config;
    ASSERT_TRUE(config.open(minimal.type_blob()));
    EXPECT_EQ(config.header().modules.count, 0u);
    EXPECT_EQ(config.header().device_window_size, 0u);
    EXPECT_EQ(config.header().pci_window_size, 0u);

    const std::string root = BULKHEAD_ROOT;
    adl::PreprocessorOptions cpp;
    cpp.include_dirs = {root + "/interfaces", root + "/components",
                        root + "/apps/vm_virtio_net/" BULKHEAD_REFERENCE_BOARD,
                        root + "/apps/vm_virtio_net"};
    const adl::LoadedApp app =
        adl::load_app(root + "/apps/vm_virtio_net/vm_virtio_net.camkes", cpp);
    image::SystemBuilder builder{*image::BoardRegistry::find(BULKHEAD_REFERENCE_BOARD)};
    const adl::model::System system =
        adl::resolve(app.merged, {BULKHEAD_REFERENCE_BOARD, BULKHEAD_PLATFORM_DTB});
    (void)lowering::lower_system(system, builder, {});
    std::vector<uint8_t> page;
    for (const auto& r : builder.description().regions)
        if (r.name == "vm:instance") page = r.contents;
    const vm0::Instance vm(spec::instance::PageView(page.data(), vm0::type_hash));
    ASSERT_TRUE(vm.valid());
    ASSERT_TRUE(config.open(vm.type_blob()));
    ASSERT_EQ(config.header().modules.count, 1u);
    EXPECT_EQ(config.module(0), "virtio_net");
    EXPECT_EQ(config.header().device_window_base, 0x3fff0000u);
    EXPECT_EQ(config.header().device_window_size, 0x10000u);
    // The PCI host bridge's 2 MiB (ECAM, BAR window): the next free one below, under 4 GiB.
    EXPECT_EQ(config.header().pci_window_base, 0x3fc00000u);
    EXPECT_EQ(config.header().pci_window_size, 0x200000u);
}

// The app's build settings (upstream's CMake options, tools/bulkhead --settings) start the
// modules whose device types name a true option in a VM whose vmm_modules is empty, as
// upstream's options link them into every VM (CMake's truth: "on", "1", ...); options no
// linked type names have no effect; a VM's own vmm_modules wins.
TEST(Glue, BuildSettingsStartTheModulesOfTheirUpstreamOptions) {
    const auto modules = [](const adl::model::System& system,
                            const std::map<std::string, std::string>& settings) {
        image::SystemBuilder builder{*image::BoardRegistry::find(BULKHEAD_REFERENCE_BOARD)};
        lowering::Inputs inputs;
        inputs.settings = settings;
        (void)lowering::lower_system(system, builder, inputs);
        std::vector<uint8_t> page;
        for (const auto& r : builder.description().regions)
            if (r.name == "vm0:instance") page = r.contents;
        const vm0::Instance vm(spec::instance::PageView(page.data(), vm0::type_hash));
        vmm::vm_config::View config;
        std::vector<std::string> names;
        if (!config.open(vm.type_blob())) return names;
        for (uint32_t i = 0; i < config.header().modules.count; ++i)
            names.emplace_back(config.module(i));
        return names;
    };
    const std::map<std::string, std::string> upstream{{"VmVirtioConsole", "ON"},
                                                      {"VmVirtioNetArping", "on"},
                                                      {"VmVirtioNetVirtqueue", "OFF"},
                                                      {"VmPCISupport", "ON"},
                                                      {"QEMU_MEMORY", "2048"}};
    const adl::model::System minimal = tool_test::vm_minimal_system();
    EXPECT_EQ(modules(minimal, upstream), (std::vector<std::string>{"virtio_con", "virtio_net"}));
    EXPECT_EQ(modules(minimal, {{"VmVirtioConsole", "0"}, {"VmVirtioNetArping", "1"}}),
              std::vector<std::string>{"virtio_net"});
    EXPECT_TRUE(modules(minimal, {}).empty());
    adl::model::System named = minimal;
    for (auto& i : named.instances) {
        for (auto& a : i.attributes) {
            if (i.name != "vm0" || a.name != "vmm_modules") continue;
            adl::Value name;
            name.kind = adl::Value::Kind::String;
            name.string = "virtio_net_pci";
            a.value.kind = adl::Value::Kind::List;
            a.value.items = {name};
        }
    }
    EXPECT_EQ(modules(named, upstream), std::vector<std::string>{"virtio_net_pci"});
}

// vm_multi (apps/vm_multi) resolved for the reference board, with `edit` applied to it.
adl::model::System vm_multi_system(const std::function<void(adl::model::System&)>& edit = {}) {
    const std::string root = BULKHEAD_ROOT;
    adl::PreprocessorOptions cpp;
    cpp.include_dirs = {root + "/interfaces", root + "/components",
                        root + "/apps/vm_multi/" BULKHEAD_REFERENCE_BOARD, root + "/apps/vm_multi"};
    // The resolved system points into the app's syntax tree: it lives as long as the tests.
    static const adl::LoadedApp app = adl::load_app(root + "/apps/vm_multi/vm_multi.camkes", cpp);
    adl::model::System system =
        adl::resolve(app.merged, {BULKHEAD_REFERENCE_BOARD, BULKHEAD_PLATFORM_DTB});
    if (edit) edit(system);
    return system;
}

vmm::vm_config::View vm_config_of(const image::SystemBuilder& builder, const std::string& vm,
                                  std::vector<uint8_t>& page) {
    for (const auto& r : builder.description().regions)
        if (r.name == vm + ":instance") page = r.contents;
    const vm0::Instance inst(spec::instance::PageView(page.data(), vm0::type_hash));
    vmm::vm_config::View config;
    EXPECT_TRUE(inst.valid());
    EXPECT_TRUE(config.open(inst.type_blob()));
    return config;
}

// IRQs in a chained word (more than the VMM's bound notification holds): the word is a
// notification chained into the bound one with the resolver's bit, its IRQ handlers signal
// it, and the configuration names the word's slot and bit and each IRQ's word.
TEST(Glue, VmConfigurationCarriesChainedIrqWords) {
    adl::model::System system = tool_test::vm_minimal_system();
    for (auto& i : system.instances)
        if (i.name == "vm0") i.irq_words = {uint64_t{1} << 40};
    system.irqs.push_back({"vm0", 100, true, 1, "test", {}, "", 1});
    system.irqs.push_back({"vm0", 101, false, uint64_t{1} << 63, "test", {}, "", 1});
    image::SystemBuilder builder{*image::BoardRegistry::find(BULKHEAD_REFERENCE_BOARD)};
    const auto lowered = lowering::lower_system(system, builder, {});
    const image::SystemDescription& d = builder.description();
    const lowering::InstanceObjects* vm = nullptr;
    for (const auto& o : lowered)
        if (o.name == "vm0") vm = &o;
    ASSERT_NE(vm, nullptr);
    ASSERT_EQ(d.chains.size(), 1u);
    EXPECT_EQ(d.chains[0].parent, vm->notification->index);
    EXPECT_EQ(d.chains[0].bit, 40u);
    for (const auto& h : d.irq_handlers) {
        const bool chained = h.irq == 100 || h.irq == 101;
        EXPECT_EQ(h.notification == d.chains[0].notification, chained) << h.irq;
    }
    std::vector<uint8_t> page;
    const vmm::vm_config::View config = vm_config_of(builder, "vm0", page);
    ASSERT_EQ(config.header().irq_words.count, 1u);
    EXPECT_EQ(config.irq_word(0).badge, uint64_t{1} << 40);
    EXPECT_EQ(config.irq_word(0).slot, vm->cap("irq_word1").value_or(0));
    ASSERT_EQ(config.header().irqs.count, 3u); // the UART's, in the bound word, and these two
    EXPECT_EQ(config.irq(0).word, 0u);
    EXPECT_EQ(config.irq(2).irq, 101u);
    EXPECT_EQ(config.irq(2).word, 1u);
    EXPECT_EQ(config.irq(2).badge, uint64_t{1} << 63);
}

// vm_multi's switch: each VM's MAC and, per vswitch_layout entry, the peer's MAC and the
// connections its <iface>_id numbers name (send: a VirtQueueDrv, recv: a VirtQueueDev).
TEST(Glue, VmConfigurationCarriesTheVirtualSwitch) {
    image::SystemBuilder builder{*image::BoardRegistry::find(BULKHEAD_REFERENCE_BOARD)};
    (void)lowering::lower_system(vm_multi_system(), builder, {});
    std::vector<uint8_t> page0;
    std::vector<uint8_t> page1;
    const vmm::vm_config::View hub = vm_config_of(builder, "vm0", page0);
    const vmm::vm_config::View client = vm_config_of(builder, "vm1", page1);
    const uint8_t mac0[6] = {2, 0, 0, 0, 0xaa, 1};
    ASSERT_EQ(hub.header().has_vswitch_mac, 1u);
    EXPECT_EQ(std::memcmp(hub.header().vswitch_mac, mac0, 6), 0);
    ASSERT_EQ(hub.header().vswitch_ports.count, 2u);
    EXPECT_EQ(hub.string(hub.switch_port(0).send), "send1");
    EXPECT_EQ(hub.string(hub.switch_port(0).recv), "recv1");
    EXPECT_EQ(hub.string(hub.switch_port(1).send), "send2");
    EXPECT_EQ(hub.string(hub.switch_port(1).recv), "recv2");
    EXPECT_EQ(hub.switch_port(1).mac[5], 3u);
    ASSERT_EQ(client.header().vswitch_ports.count, 1u);
    EXPECT_EQ(std::memcmp(client.switch_port(0).mac, mac0, 6), 0);
    EXPECT_EQ(client.header().vswitch_mac[5], 2u);
}

// allow_smc: that VM's VMM gets a Firmware capability and the configuration its slot and
// the allowed function IDs; a VM without it gets neither.
TEST(Glue, VmConfigurationCarriesTheFirmwareCallRules) {
    image::SystemBuilder builder{*image::BoardRegistry::find(BULKHEAD_REFERENCE_BOARD)};
    (void)lowering::lower_system(vm_multi_system([](adl::model::System& s) {
                                     for (auto& i : s.instances) {
                                         if (i.name != "vm1") continue;
                                         i.vm->allow_smc = true;
                                         i.vm->allowed_smc_functions = {0xc2000001, 0x8200000d};
                                     }
                                 }),
                                 builder, {});
    std::vector<uint8_t> page0;
    std::vector<uint8_t> page1;
    const vmm::vm_config::View plain = vm_config_of(builder, "vm0", page0);
    const vmm::vm_config::View allowed = vm_config_of(builder, "vm1", page1);
    EXPECT_EQ(plain.header().firmware_slot, 0u);
    EXPECT_EQ(plain.header().smc_allowed.count, 0u);
    ASSERT_NE(allowed.header().firmware_slot, 0u);
    ASSERT_EQ(allowed.header().smc_allowed.count, 2u);
    EXPECT_EQ(allowed.smc_allowed(1), 0x8200000du);
    const auto& d = builder.description();
    uint32_t vmm1 = 0;
    for (uint32_t i = 0; i < d.domains.size(); ++i)
        if (d.domains[i].name == "vm1") vmm1 = i;
    EXPECT_EQ(d.domains[vmm1].caps.at(allowed.header().firmware_slot).type,
              static_cast<uint32_t>(spec::CapType::Firmware));
}

// A malformed MAC or a queue number no interface has: an error at the value.
TEST(Glue, ABadVirtualSwitchIsAnErrorAtTheValue) {
    const auto expect_error = [](const std::function<void(adl::Value&)>& edit,
                                 const std::string& attribute, const std::string& message) {
        const adl::model::System system = vm_multi_system([&](adl::model::System& s) {
            for (auto& i : s.instances)
                for (auto& a : i.attributes)
                    if (i.name == "vm1" && a.name == attribute) edit(a.value);
        });
        image::SystemBuilder b{*image::BoardRegistry::find(BULKHEAD_REFERENCE_BOARD)};
        try {
            (void)lowering::lower_system(system, b, {});
            FAIL() << "no error";
        } catch (const adl::Error& e) {
            EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("vm_multi.camkes:"), std::string::npos);
        }
    };
    expect_error([](adl::Value& v) { v.string = "02:00:00:00:aa"; }, "vswitch_mac_address",
                 "'vm1.vswitch_mac_address' is '\"02:00:00:00:aa\"'; expected a MAC address");
    expect_error([](adl::Value& v) { v.items[0].items[1].integer = 7; }, "vswitch_layout",
                 "'vm1.vswitch_layout[0].send_id' is 7; expected the <iface>_id of one of "
                 "'vm1''s VirtQueueDrv interfaces");
}

TEST(Glue, APageOfAnotherDefinitionOrTruncatedReadsAsEmpty) {
    const Lowered l;
    std::vector<uint8_t> page = l.page("vm0");
    ASSERT_GE(page.size(), sizeof(spec::instance::Header));
    EXPECT_FALSE(vm0::Instance(spec::instance::PageView(page.data(), fserv::type_hash)).valid());
    // A header that claims more records than the page holds.
    spec::instance::Header h{};
    std::memcpy(&h, page.data(), sizeof h);
    h.interface_count = 1000000;
    std::memcpy(page.data(), &h, sizeof h);
    const vm0::Instance bad(spec::instance::PageView(page.data(), vm0::type_hash));
    EXPECT_FALSE(bad.valid());
    EXPECT_FALSE(bad.fs_connected());
    EXPECT_EQ(bad.linux_image_config().linux_name, "");
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
    ASSERT_TRUE(server.add_client(1, vm0_buffer));
    FileServerLoopback loop{server, 1};
    vm0::fs_client<FileServerLoopback> fs(loop);
    int64_t fd = fs.open("linux", 0);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(fs.read(fd, 10), 10);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(vm0_buffer.data()), 10), "0123456789");
    EXPECT_EQ(fs.close(fd), 0);
    FileServerLoopback stranger{server, 7};
    vm0::fs_client<FileServerLoopback> other(stranger);
    EXPECT_LT(other.open("linux", 0), 0); // unknown badge
}

} // namespace
