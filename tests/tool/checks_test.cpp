// Semantic checks: connections against interfaces and connectors, attributes
// against declarations, VM memory layouts, dtb() queries and physical ownership.
// Each bad assembly names where the error must point (the first occurrence of
// 'at' in the text) and what the message must say.
#include "adl/parser.hpp"
#include "adl/resolver.hpp"
#include "expect_error.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace {

const char* library = R"(
procedure P { int f(in int x); };
procedure Q { void g(); };
procedure VMDTBPassthrough { };
connector seL4RPCCall { from Procedures; to Procedure; }
connector seL4RPCDataport { from Procedures; to Procedure; }
connector seL4Notification { from Events; to Event; }
connector seL4VMDTBPassthrough { from Procedure; to Procedure; }
connector seL4Teleport { from Procedure; to Procedure; }
connector seL4HardwareMMIO { from Dataports; to Dataport; }
connector seL4DTBHardware { from Event; to Event; }
component Uart { hardware; dataport Buf regs; }
component Driver { dataport Buf regs; }
component Client {
    uses P p;
    maybe uses P opt;
    emits E ev;
    attribute int n;
    attribute string s = "x";
    attribute { int a; int b = 2; } st;
    attribute int arr[] = [];
}
component Server { provides P p; provides Q q; consumes E ev; }
struct mapping { string mac; int id; };
connector seL4SharedData { from Dataport; to Dataports; }
component Peer { dataport Buf(8192) big; dataport Buf small; dataport Buf(4096) page;
                 attribute mapping table[] = []; attribute mapping one; }
component VmNow {
    maybe uses VMDTBPassthrough dtb_self;
    provides VMDTBPassthrough dtb;
    attribute int dtb_irqs[] = [];
    attribute { string ram_base; string ram_paddr_base; string ram_size; string dtb_addr;
                string initrd_addr; string kernel_entry_addr = "-1"; } vm_address_config;
    attribute { string linux_ram_base; string linux_ram_paddr_base; string linux_ram_size;
                string linux_ram_offset = "0"; string dtb_addr; string initrd_max_size = "-1";
                string initrd_addr; } linux_address_config;
    attribute { string kernel_name = "linux"; string dtb_name = "linux-dtb";
                string initrd_name = "linux-initrd"; string kernel_bootcmdline = "";
                string kernel_stdout = ""; int provide_initrd = true; int generate_dtb = false;
                int map_one_to_one = false; int provide_dtb = true;
                string dtb_base_name = ""; } vm_image_config;
}
component VM {
    maybe uses VMDTBPassthrough dtb_self;
    provides VMDTBPassthrough dtb;
    attribute int num_vcpus = 1;
    attribute int irqs[] = [];
    attribute {
        string linux_ram_base; string linux_ram_paddr_base; string linux_ram_size;
        string linux_ram_offset = "0"; string dtb_addr; string initrd_max_size = "-1"; string initrd_addr;
    } linux_address_config;
    attribute { string linux_name = "linux"; string dtb_name = "linux-dtb"; string initrd_name = "linux-initrd";
                string linux_bootcmdline = ""; string linux_stdout = ""; } linux_image_config;
}
)";

struct Loaded {
    adl::ast::File file;
    adl::model::System system;
};

// Resolves `text` (named `name`) with the library; by default as if the image packed an
// initrd, so that an initrd outside RAM is an error.
std::unique_ptr<Loaded> resolve_text(const std::string& text,
                                     const std::string& name = "bad.camkes",
                                     std::vector<std::string> packed = {"linux-initrd"}) {
    auto loaded = std::make_unique<Loaded>();
    loaded->file = adl::parse_text(library, "lib.camkes");
    adl::ast::File app = adl::parse_text(text, name);
    for (auto& a : app.assemblies) {
        loaded->file.assemblies.push_back(std::move(a));
    }
    for (auto& c : app.components) {
        loaded->file.components.push_back(std::move(c));
    }
    for (auto& s : app.structs) {
        loaded->file.structs.push_back(std::move(s));
    }
    loaded->system = adl::resolve(
        loaded->file, {BULKHEAD_REFERENCE_BOARD, BULKHEAD_PLATFORM_DTB, std::move(packed)});
    return loaded;
}

// A VM 'name' with the upstream qemu-arm-virt layout unless fields are overridden.
std::string vm(const std::string& name, const std::string& ram_base = "0x40000000",
               const std::string& ram_size = "0x20000000", const std::string& dtb = "0x4F000000",
               const std::string& initrd = "0x4D700000",
               const std::string& initrd_max = "0x1900000") {
    return name + ".linux_address_config = {\"linux_ram_base\": \"" + ram_base +
           "\", \"linux_ram_paddr_base\": \"" + ram_base + "\", \"linux_ram_size\": \"" + ram_size +
           "\", \"dtb_addr\": \"" + dtb + "\", \"initrd_addr\": \"" + initrd +
           "\", \"initrd_max_size\": \"" + initrd_max + "\"};\n";
}

const std::string client_server =
    "component Client c; component Server s; connection seL4RPCCall c_s(from c.p, to s.p);\n";

TEST(Checks, GoodAssemblyResolves) {
    auto l = resolve_text(
        "assembly { composition {\n" + client_server +
        "component VM vm0; connection seL4VMDTBPassthrough d(from vm0.dtb_self, to vm0.dtb);\n"
        "connection seL4Notification n(from c.ev, to s.ev);\n}\n"
        "configuration { c.n = 5; c.st = {\"a\": 1}; c.simple = true; c.cnode_size_bits = 18;\n" +
        vm("vm0") + "vm0.dtb = dtb([{\"path\": \"/pl011@9000000\"}]); } }");
    const auto& s = l->system;
    ASSERT_EQ(s.instances.size(), 3u);
    const auto* c = s.instance("c");
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->attribute("s")->value.string, "x");
    EXPECT_TRUE(c->attribute("s")->from_default);
    EXPECT_EQ(c->attribute("st")->value.field("b")->integer, 2);
    ASSERT_EQ(s.no_effect.size(), 2u);
    EXPECT_EQ(s.no_effect[0].attribute, "simple");
    EXPECT_EQ(s.no_effect[1].attribute, "cnode_size_bits");
    ASSERT_EQ(s.connections.size(), 3u);
    EXPECT_EQ(s.connections[0].type, "P");
    const auto* v = s.instance("vm0");
    ASSERT_TRUE(v->vm.has_value());
    EXPECT_EQ(v->vm->layout.ram.base.raw(), 0x40000000u);
    EXPECT_EQ(v->vm->layout.ram.size, 0x20000000u);
    EXPECT_TRUE(v->vm->unity);
    EXPECT_EQ(v->vm->linux_name, "linux");
    ASSERT_EQ(s.irqs.size(), 1u);
    EXPECT_EQ(s.irqs[0].number, 33u);
}

std::string compose(const std::string& composition, const std::string& configuration = "");

// The current dialect's VM: vm_address_config under its new names.
std::string vm_now(const std::string& name, const std::string& initrd = "0x4D700000",
                   const std::string& entry = "-1") {
    return name +
           ".vm_address_config = {\"ram_base\": \"0x40000000\", \"ram_paddr_base\": "
           "\"0x40000000\", \"ram_size\": \"0x20000000\", \"dtb_addr\": \"0x4F000000\", "
           "\"initrd_addr\": \"" +
           initrd + "\", \"kernel_entry_addr\": \"" + entry + "\"};\n";
}

const std::string peers =
    "component Peer a; component Peer b; connection seL4SharedData ab(from a.big, to b.big);";

TEST(Checks, CurrentDialectResolves) {
    auto l = resolve_text(compose(
        peers + "\ncomponent VmNow vm0; connection seL4VMDTBPassthrough d(from vm0.dtb_self, to "
                "vm0.dtb);",
        vm_now("vm0") +
            "vm0.vm_image_config = {\"kernel_name\": \"Image\", \"kernel_stdout\": \"/pl011\"};\n"
            "vm0.dtb = dtb([{}]); vm0.dtb_irqs = [40];\n"
            "a.table = [{\"mac\": \"02:00\", \"id\": 1}]; a.one = {\"mac\": \"x\", \"id\": 2};\n"
            "a.serial_getchar_badge = \"4\"; a.self_global_endpoint = \"a\"; a.small_id = 0;\n"
            "a.smmu = [1]; a.plat_keep_devices = [\"/x\"]; a.allow_smc = true;"));
    const auto& s = l->system;
    const auto* vm = s.instance("vm0");
    ASSERT_TRUE(vm->vm.has_value());
    EXPECT_EQ(vm->vm->layout.ram.base.raw(), 0x40000000u);
    EXPECT_EQ(vm->vm->linux_name, "Image");
    EXPECT_EQ(vm->vm->stdout_path, "/pl011");
    ASSERT_EQ(s.irqs.size(), 1u); // dtb([{}]) passes nothing; dtb_irqs adds 40
    EXPECT_EQ(s.irqs[0].number, 40u);
    EXPECT_EQ(s.connections[0].shared_bytes, 8192u); // from `dataport Buf(8192)`
    EXPECT_EQ(s.no_effect.size(), 6u);
    EXPECT_EQ(s.instance("a")->attribute("table")->value.items[0].field("id")->integer, 1);
}

// `irqs` of n IRQs from 100 up.
std::string irq_list(int n) {
    std::string out;
    for (int i = 0; i < n; ++i) {
        out += (i == 0 ? "" : ", ") + std::to_string(100 + i);
    }
    return "[" + out + "]";
}

// A VM's passed-through IRQs beyond its bound notification's 64 bits go to chained words of
// 64, each raising one bit of the bound word (upstream's exynos5422 VMs pass ~100 through).
TEST(Checks, AVmsIrqsBeyondOneWordGoToChainedWords) {
    auto l =
        resolve_text(compose("component VM vm0;", vm("vm0") + "vm0.irqs = " + irq_list(70) + ";"));
    const auto& s = l->system;
    ASSERT_EQ(s.irqs.size(), 70u);
    EXPECT_EQ(s.instance("vm0")->irq_words, (std::vector<uint64_t>{1, 2}));
    EXPECT_EQ(s.irqs[0].word, 1u);
    EXPECT_EQ(s.irqs[0].badge, 1u);
    EXPECT_EQ(s.irqs[63].word, 1u);
    EXPECT_EQ(s.irqs[63].badge, uint64_t{1} << 63);
    EXPECT_EQ(s.irqs[64].word, 2u);
    EXPECT_EQ(s.irqs[64].badge, 1u);
    EXPECT_EQ(s.irqs[69].badge, uint64_t{1} << 5);
    // What fits in one word stays in it, as ever.
    auto few =
        resolve_text(compose("component VM vm0;", vm("vm0") + "vm0.irqs = " + irq_list(64) + ";"));
    EXPECT_TRUE(few->system.instance("vm0")->irq_words.empty());
    EXPECT_EQ(few->system.irqs[63].word, 0u);
    EXPECT_EQ(few->system.irqs[63].badge, uint64_t{1} << 63);
}

// A native component's events have no chained words: 65 senders to one are refused.
TEST(Checks, ANativeComponentReceivesAtMost64Events) {
    std::string composition = "component Server s;\n";
    for (int i = 0; i < 65; ++i) {
        const std::string c = "c" + std::to_string(i);
        composition += "component Client " + c + "; connection seL4RPCCall r" + c + "(from " + c +
                       ".p, to s.p); connection seL4Notification e" + c + "(from " + c +
                       ".ev, to s.ev);\n";
    }
    tool_test::expect_error([&] { (void)resolve_text(compose(composition), "many.camkes"); },
                            "many.camkes", 68, 100,
                            "instance 's' receives more than 64 events, signals and IRQs of its "
                            "own; expected at most 64",
                            "");
}

// A compound component (upstream's odroid_vm timer) with the body `settings`: its instance
// gets the connection and the dtb() query of its own interface.
std::string timer(const std::string& settings,
                  const std::string& composition = "connection seL4DTBHardware pmu_conn(from src, "
                                                   "to pmu);") {
    return "component Timer { control; emits Dummy src; consumes Dummy pmu;\n"
           "  composition { " +
           composition + " }\n  configuration { " + settings + " } }\n";
}

TEST(Checks, ACompoundComponentsDtbDeviceIsItsOwn) {
    auto l = resolve_text(timer("pmu.dtb = dtb({\"path\": \"/pl011@9000000\"});\n"
                                "pmu.generate_interrupts = 1;") +
                          compose("component Timer t0;"));
    const auto& s = l->system;
    ASSERT_EQ(s.connections.size(), 1u);
    EXPECT_EQ(s.connections[0].name, "t0.pmu_conn");
    EXPECT_EQ(s.connections[0].from[0].instance, "t0");
    EXPECT_EQ(s.connections[0].to[0].interface, "pmu");
    ASSERT_EQ(s.regions.size(), 1u);
    EXPECT_EQ(s.regions[0].owner, "t0");
    EXPECT_EQ(s.regions[0].phys.base.raw(), 0x9000000u);
    ASSERT_EQ(s.irqs.size(), 1u);
    EXPECT_EQ(s.irqs[0].number, 33u);
    EXPECT_EQ(s.irqs[0].interface, "pmu"); // an event of that end
    EXPECT_NE(s.irqs[0].badge, 0u);
    // Without generate_interrupts: the registers alone.
    auto quiet = resolve_text(timer("pmu.dtb = dtb({\"path\": \"/pl011@9000000\"});") +
                              compose("component Timer t0;"));
    EXPECT_EQ(quiet->system.regions.size(), 1u);
    EXPECT_TRUE(quiet->system.irqs.empty());
}

TEST(Checks, ACompoundComponentsBodyIsItsOwnInterfacesOnly) {
    tool_test::expect_error(
        [] {
            (void)resolve_text(timer("pmu.speed = 1;") + compose("component Timer t0;"),
                               "t.camkes");
        },
        "t.camkes", 3, 19,
        "setting 'pmu.speed' in the configuration of component 'Timer'; expected "
        "<interface>.dtb = dtb({...}) or <interface>.generate_interrupts",
        "");
    tool_test::expect_error(
        [] {
            (void)resolve_text(
                timer("", "component Server inner;") + compose("component Timer t0;"), "t.camkes");
        },
        "t.camkes", 2, 34, "component 'Timer' composes instance 'inner'; expected a composition",
        "");
    tool_test::expect_error(
        [] {
            (void)resolve_text(timer("pmu.generate_interrupts = \"yes\";") +
                                   compose("component Timer t0;"),
                               "t.camkes");
        },
        "t.camkes", 3, 45, "'pmu.generate_interrupts' in component 'Timer' is '\"yes\"'", "");
}

TEST(Checks, ConnectionSettingsSizeAndPaddr) {
    auto l = resolve_text(
        compose("component Peer a; component Peer b; connection seL4SharedData ab(from a.small, "
                "to b.small);",
                "ab.size = 0x4000; ab.paddr = 0x50000000;"));
    EXPECT_EQ(l->system.connections[0].shared_bytes, 0x4000u);
    EXPECT_EQ(l->system.connections[0].paddr.value_or(0), 0x50000000u);
}

TEST(Checks, InitrdOutsideRamIsAWarningWhenNoneIsPacked) {
    const auto l = resolve_text(compose("component VM vm0;", vm("vm0", "0x40000000", "0x20000000",
                                                                "0x4F000000", "0x3F000000")),
                                "warn.camkes", {});
    const auto& s = l->system;
    ASSERT_EQ(s.warnings.size(), 1u);
    EXPECT_EQ(s.warnings[0].rfind("warn.camkes:6:", 0), 0u) << s.warnings[0];
    EXPECT_NE(s.warnings[0].find("'vm0.linux_address_config.initrd_addr' = 0x3f000000 is outside "
                                 "guest RAM"),
              std::string::npos);
    EXPECT_TRUE(s.instance("vm0")->vm->layout.initrd.size == 0);
}

const std::string shared_uart =
    "component Uart uart; component Driver d1; component Driver d2;\n"
    "connection seL4HardwareMMIO uart_regs(from d1.regs, from d2.regs, to uart.regs);";

TEST(Checks, DeviceRegionSharedThroughAConnection) {
    auto l =
        resolve_text(compose(shared_uart, "uart.regs_paddr = 0x9000000; uart.regs_size = 0x1000;"));
    const auto& s = l->system;
    ASSERT_EQ(s.regions.size(), 1u); // one region, however many components map it
    EXPECT_EQ(s.regions[0].owner, "uart_regs");
    EXPECT_EQ(s.regions[0].phys.base.raw(), 0x9000000u);
    EXPECT_EQ(s.connections[0].from.size(), 2u);
}

TEST(Checks, DeviceRegionSharedThroughTwoConnections) {
    auto l = resolve_text(compose("component Uart uart; component Driver d1; component Driver d2;\n"
                                  "connection seL4HardwareMMIO r1(from d1.regs, to uart.regs);\n"
                                  "connection seL4HardwareMMIO r2(from d2.regs, to uart.regs);",
                                  "uart.regs_paddr = 0x9000000; uart.regs_size = 0x1000;"));
    const auto& s = l->system;
    ASSERT_EQ(s.regions.size(), 1u); // owned by the first connection, mapped through both
    EXPECT_EQ(s.regions[0].owner, "r1");
    EXPECT_EQ(s.regions[0].source, "uart.regs");
    EXPECT_EQ(s.connections[1].shared_bytes, 0x1000u);
}

struct BadCheck {
    std::string text;
    std::string at;
    std::string message;
};

void PrintTo(const BadCheck& bad, std::ostream* os) {
    tool_test::print_case(bad.text + bad.at, bad.message, os);
}

class ChecksReject : public ::testing::TestWithParam<BadCheck> {};

TEST_P(ChecksReject, WithMessageAndLocation) {
    const auto& bad = GetParam();
    size_t offset = bad.text.find(bad.at);
    ASSERT_NE(offset, std::string::npos) << "marker '" << bad.at << "' not in the text";
    uint32_t line = 1, column = 1;
    for (size_t i = 0; i < offset; ++i) {
        if (bad.text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    tool_test::expect_error([&] { resolve_text(bad.text); }, "bad.camkes", line, column,
                            bad.message, bad.text);
}

std::string compose(const std::string& composition, const std::string& configuration) {
    return "assembly {\ncomposition {\n" + composition + "\n}\nconfiguration {\n" + configuration +
           "\n}\n}\n";
}

const std::string vm_with_dtb =
    "component VM vm0; connection seL4VMDTBPassthrough d(from vm0.dtb_self, to vm0.dtb);";

INSTANTIATE_TEST_SUITE_P(
    Bad, ChecksReject,
    ::testing::Values(
        BadCheck{compose("component Klient k;"), "k;",
                 "instance 'k' has unknown component type 'Klient'; expected one of: Client, "
                 "Driver, Peer, Server, Uart, VM, VmNow"},
        BadCheck{compose("component Server s;\ncomponent Server s; "), "s; ",
                 "instance 's' is declared twice"},
        BadCheck{
            compose(client_server + "connection seL4RPCCalls x(from c.opt, to s.p);"), "x(",
            "unknown connector 'seL4RPCCalls' in connection 'x'; expected one of: "
            "seL4DTBHardware, seL4GlobalAsynch, seL4GlobalAsynchCallback, seL4HardwareInterrupt, "
            "seL4HardwareMMIO, seL4Notification, seL4RPCCall, seL4RPCDataport, "
            "seL4SerialServer, seL4SharedData, seL4SharedDataWithCaps, seL4TimeServer, "
            "seL4VMDTBPassthrough, seL4VirtQueues"},
        BadCheck{
            compose(client_server + "connection seL4SharedDataWithCaps x(from c.opt, to s.p);"),
            "x(",
            "connector 'seL4SharedDataWithCaps' of connection 'x' is not declared; expected "
            "an import"},
        BadCheck{compose(client_server + "connection seL4Teleport x(from c.opt, to s.p);"), "x(",
                 "connector 'seL4Teleport' is declared (at lib.camkes:9:1) but Bulkhead does not "
                 "implement it"},
        BadCheck{compose(client_server + "connection seL4RPCCall x(from c2.opt, to s.p);"),
                 "from c2", "unknown instance 'c2' in connection 'x'; expected one of: c, s"},
        BadCheck{compose(client_server + "connection seL4RPCCall x(from c.nope, to s.p);"),
                 "from c.nope",
                 "component 'Client' (instance 'c') has no interface 'nope'; expected one of: p, "
                 "opt, ev"},
        BadCheck{compose(client_server + "connection seL4RPCCall x(from c.opt, to c.p);"), "to c.p",
                 "end 'to c.p' of connection 'x' is a 'uses' interface; connector 'seL4RPCCall' "
                 "expects a 'provides' Procedure on its 'to' side"},
        BadCheck{compose(client_server + "connection seL4Notification x(from c.p, to s.ev);"),
                 "from c.p, to s.ev",
                 "is a 'uses' interface; connector 'seL4Notification' expects a 'emits' Event"},
        BadCheck{compose(client_server + "connection seL4RPCCall x(from c.opt, to s.q);"), "to s.q",
                 "end 'to s.q' has type 'Q' but 'from c.opt' has 'P'; expected the same type"},
        BadCheck{compose("component Client c; component Server s; component Server t;\nconnection "
                         "seL4RPCCall x(from c.p, to s.p, to t.p);"),
                 "x(", "connection 'x' has 2 'to' ends; connector 'seL4RPCCall' takes exactly one"},
        BadCheck{compose(client_server + "connection seL4RPCCall y(to s.p, from c.p);"),
                 "from c.p);", "interface 'c.p' is already connected by 'c_s'"},
        // Registers may be shared by several connections; a user's dataport may not.
        BadCheck{
            compose(shared_uart + "\ncomponent Uart uart2;\n"
                                  "connection seL4HardwareMMIO again(from d1.regs, to uart2.regs);",
                    "uart.regs_paddr = 0x9000000; uart.regs_size = 0x1000;"),
            "from d1.regs, to uart2", "interface 'd1.regs' is already connected by 'uart_regs'"},
        BadCheck{compose("component Client c;"), "c;",
                 "interface 'p' ('uses P') of instance 'c' is not connected"},
        BadCheck{compose("component Server s;\nconnection seL4RPCCall x(to s.p);"), "x(",
                 "connection 'x' has no 'from' end"},
        BadCheck{compose(client_server, "c.m = 1;"), "c.m",
                 "unknown attribute 'm' of instance 'c' (component 'Client'); did you mean 'n'? "
                 "expected a declared attribute (n, s, st, arr)"},
        BadCheck{compose(client_server, "c.n = \"five\";"), "\"five\"",
                 "'c.n' is declared 'int'; expected an integer, found string"},
        BadCheck{compose(client_server, "c.s = 5;"), "5;",
                 "'c.s' is declared 'string'; expected a string, found integer"},
        BadCheck{compose(client_server, "c.st = 5;"), "5;", "'c.st' has fields; expected a dict"},
        BadCheck{compose(client_server, "c.st = {\"a\": 1, \"z\": 2};"), "2}",
                 "unknown field 'z' in 'c.st'; expected one of: a, b"},
        BadCheck{compose(client_server, "c.st = {\"b\": 1};"), "{\"b\"",
                 "field 'a' of 'c.st' is not set and has no default"},
        BadCheck{compose(client_server, "c.arr = 3;"), "3;",
                 "'c.arr' is an array attribute; expected a list"},
        BadCheck{compose(client_server, "c.arr = [1, \"2\"];"), "\"2\"",
                 "'c.arr[1]' is declared 'int'; expected an integer"},
        BadCheck{compose(client_server, "c._priority = 300;"), "300",
                 "'c._priority' is 300; expected a priority from 0 to 255"},
        BadCheck{compose(client_server, "c._affinity = -1;"), "-1",
                 "'c._affinity' is -1; expected a CPU number from 0"},
        BadCheck{compose(client_server, "c.p_shmem_size = 100;"), "100",
                 "'c.p_shmem_size' is '100'; expected a positive multiple of 4096 bytes"},
        BadCheck{compose(client_server, "d.n = 1;"), "d.n",
                 "unknown instance 'd' in setting 'd.n'; expected one of: c, s"},
        BadCheck{compose(client_server, "c.n = dtb([{\"path\": \"/x\"}]);"), "dtb(",
                 "'c.n' is declared 'int'; expected an integer, found dtb query"},
        BadCheck{compose(client_server, "s.ev = dtb([{\"path\": \"/x\"}]);"), "dtb(",
                 "'s.ev' has a dtb() query but no seL4VMDTBPassthrough connection ends at it"},
        BadCheck{compose("component VM vm0;"), "vm0;",
                 "VM instance 'vm0' has no linux_address_config; expected vm0.linux_address_config "
                 "= {...}"},
        BadCheck{compose("component VM vm0;", vm("vm0", "0x40000000", "0x2000000g")),
                 "\"0x2000000g\"",
                 "'vm0.linux_address_config.linux_ram_size' is '0x2000000g', not a number"},
        BadCheck{compose("component VM vm0;", vm("vm0", "0x40000800")), "\"0x40000800\"",
                 "'vm0.linux_address_config.linux_ram_base' = 0x40000800 is not aligned to 0x1000"},
        BadCheck{compose("component VM vm0;", vm("vm0", "0x40000000", "0x20000000", "0x60000000")),
                 "\"0x60000000\"",
                 "'vm0.linux_address_config.dtb_addr' = 0x60000000 is outside guest RAM; expected "
                 "an address inside it (guest RAM [0x40000000, 0x60000000))"},
        BadCheck{compose("component VM vm0;", vm("vm0", "0x40000000", "0x20000000", "0x4F000004")),
                 "\"0x4F000004\"", "is not aligned to 0x8"},
        BadCheck{
            compose("component VM vm0;",
                    vm("vm0", "0x40000000", "0x20000000", "0x4F000000", "0x4E000000")),
            "\"0x4E000000\"",
            "'vm0.linux_address_config.initrd_addr' = 0x4e000000 puts the initrd over the DTB"},
        BadCheck{compose("component VM vm0;",
                         vm("vm0", "0x40000000", "0x20000000", "0x4F000000", "0x4D700100")),
                 "\"0x4D700100\"",
                 "'vm0.linux_address_config.initrd_addr' = 0x4d700100 is not aligned to 0x1000"},
        BadCheck{compose("component VM vm0;", vm("vm0", "0x40000000", "0x20000000", "0x4F000000",
                                                 "0x5F000000", "0x2000000")),
                 "\"0x2000000\"", "makes the initrd end past guest RAM"},
        BadCheck{compose("component VM vm0;", vm("vm0", "0x40000000", "0x20000000", "0x40100000")),
                 "\"0x40100000\"", "is in the first 2 MiB of guest RAM"},
        BadCheck{compose(vm_with_dtb, vm("vm0") + "vm0.dtb = dtb([{\"paths\": \"/pl011\"}]);"),
                 "{\"paths\"", "unknown dtb query key 'paths'"},
        // vcpu_affinity: one core per vCPU (the board's check is the lowering's).
        BadCheck{compose(vm_with_dtb, vm("vm0") + "vm0.num_vcpus = 2; vm0.vcpu_affinity = [1];"),
                 "[1]",
                 "'vm0.vcpu_affinity' is [1]; expected 2 core number(s), one per vCPU (num_vcpus)"},
        BadCheck{compose(vm_with_dtb, vm("vm0") + "vm0.vcpu_affinity = [\"one\"];"), "\"one\"",
                 "'vm0.vcpu_affinity' lists '\"one\"'; expected a core number"},
        BadCheck{compose(vm_with_dtb + "\ncomponent VM vm1; connection seL4VMDTBPassthrough "
                                       "d1(from vm1.dtb_self, to vm1.dtb);",
                         vm("vm0") + "vm0.dtb = dtb([{\"path\": \"/pl011@9000000\"}]);\n" +
                             vm("vm1", "0x60000000", "0x10000000", "0x6F000000", "0x6D000000") +
                             "vm1.dtb = dtb([{\"chosen\": \"stdout-path\"}]);"),
                 "{\"chosen\"", "IRQ 33 of '/pl011@9000000' for 'vm1' is already routed to 'vm0'"},
        BadCheck{
            compose("component VM vm0;\ncomponent VM vm1;",
                    vm("vm0") + vm("vm1", "0x50000000", "0x10000000", "0x5F000000", "0x5D000000")),
            "{\"linux_ram_base\": \"0x50000000\"",
            "overlaps [0x40000000, 0x60000000) of 'linux_address_config' for 'vm0'"},
        BadCheck{compose("component VM vm0;", vm("vm0") + "vm0.irqs = [33, 7];"), "7]",
                 "'vm0.irqs' contains '7'; expected GIC interrupt IDs from 16 to 1019"},
        BadCheck{
            compose(vm_with_dtb, vm("vm0", "0x08000000", "0x10000000", "0x0F000000", "0x0D000000") +
                                     "vm0.dtb = dtb([{\"path\": \"/pl011@9000000\"}]);"),
            "{\"path\"",
            "physical range [0x9000000, 0x9001000) of '/pl011@9000000' for 'vm0' overlaps "
            "[0x8000000, 0x18000000)"},
        BadCheck{compose(shared_uart, "uart.regs_paddr = 0x9000100; uart.regs_size = 0x1000;"),
                 "0x9000100",
                 "'uart.regs_paddr' is 0x9000100; expected a positive multiple of 4096"},
        BadCheck{compose(shared_uart, "uart.regs_paddr = 0x9000000;"), "uart_regs(",
                 "connection 'uart_regs' maps device memory of 'uart.regs'; expected a 'hardware' "
                 "component with "
                 "uart.regs_paddr and _size set"},
        BadCheck{compose(shared_uart + "\n" + vm_with_dtb,
                         "uart.regs_paddr = 0x9000000; uart.regs_size = 0x1000;\n" + vm("vm0") +
                             "vm0.dtb = dtb([{\"path\": \"/pl011@9000000\"}]);"),
                 "{\"path\"",
                 "physical range [0x9000000, 0x9001000) of '/pl011@9000000' for 'vm0' overlaps "
                 "[0x9000000, "
                 "0x9001000) of 'uart.regs' for 'uart_regs'"},
        BadCheck{compose("component VM vm0;",
                         vm("vm0", "0x40000000", "0x20000000", "0x4F000000", "0x3F000000")),
                 "\"0x3F000000\"",
                 "'vm0.linux_address_config.initrd_addr' = 0x3f000000 is outside guest RAM; "
                 "expected an address inside it (guest RAM [0x40000000, 0x60000000)); the image "
                 "packs 'linux-initrd'"},
        BadCheck{compose(client_server, "c.simpel = true;"), "c.simpel",
                 "unknown attribute 'simpel' of instance 'c' (component 'Client'); did you mean "
                 "'simple'?"},
        BadCheck{compose(client_server, "c.p_shmem_sise = 4096;"), "c.p_shmem_sise",
                 "did you mean 'p_shmem_size'?"},
        BadCheck{compose(client_server, "c.zzzzzzzzzz = 1;"), "c.zzzzzzzzzz",
                 "unknown attribute 'zzzzzzzzzz' of instance 'c' (component 'Client'); expected a "
                 "declared attribute"},
        BadCheck{compose(peers, "a.table = [{\"mac\": \"x\", \"idd\": 1}];"), "1}]",
                 "unknown field 'idd' in 'a.table[0]'; expected one of: mac, id"},
        BadCheck{compose(peers, "a.one = {\"mac\": 5, \"id\": 1};"), "5,",
                 "'a.one.mac' is declared 'string'; expected a string, found integer"},
        BadCheck{compose(peers, "a.one = {\"mac\": \"x\"};"), "{\"mac\"",
                 "field 'id' of 'a.one' is not set and has no default"},
        BadCheck{"component Odd { attribute mappin m; }\n" + compose(""), "mappin m",
                 "attribute 'm' of component 'Odd' has unknown type 'mappin'; did you mean "
                 "'mapping'?"},
        BadCheck{"struct s2 { strin x; };\n" + compose(""), "strin x",
                 "attribute 'x' of struct 's2' has unknown type 'strin'; did you mean 'string'?"},
        BadCheck{compose("component Peer a; component Peer b; connection seL4SharedData ab(from "
                         "a.big, to b.page);"),
                 "to b.page",
                 "end 'to b.page' is a 4096-byte dataport but 'from a.big' is 8192 bytes; expected "
                 "one size for 'ab'"},
        BadCheck{compose(peers, "ab.sise = 4096;"), "ab.sise",
                 "unknown attribute 'sise' of connection 'ab'; did you mean 'size'?"},
        BadCheck{compose(peers, "ab.paddr = 0x1234;"), "0x1234",
                 "'ab.paddr' is '4660'; expected a positive multiple of 4096"},
        BadCheck{compose(client_server, "c_s.size = 4096;"), "c_s.size",
                 "'c_s.size' is set on connection 'c_s' (seL4RPCCall); expected a shared-memory "
                 "connection"},
        BadCheck{compose(peers, "a.small_size = 100;"), "100",
                 "'a.small_size' is '100'; expected a positive multiple of 4096 bytes"},
        BadCheck{compose("component VmNow vm0;", vm_now("vm0") + vm("vm0")), "{\"ram_base\"",
                 "'vm0.vm_address_config' and 'vm0.linux_address_config'"},
        BadCheck{compose("component VmNow vm0;", vm_now("vm0", "0x4D700100")), "\"0x4D700100\"",
                 "'vm0.vm_address_config.initrd_addr' = 0x4d700100 is not aligned to 0x1000"},
        BadCheck{compose("component VmNow vm0;",
                         vm_now("vm0") + "vm0.vm_image_config = {\"provide_dtb\": false};"),
                 "false}",
                 "'vm0.vm_image_config.provide_dtb' is false and generate_dtb is not set"},
        BadCheck{compose("component VmNow vm0;", vm_now("vm0") + "vm0.plat_keep_devices = \"/a\";"),
                 "\"/a\";",
                 "'vm0.plat_keep_devices' is '\"/a\"'; expected a list of device-tree paths"},
        BadCheck{compose("component VmNow vm0;",
                         vm_now("vm0") + "vm0.plat_keep_devices_and_subtree = [\"/a\", \"b\"];"),
                 "\"b\"]", "lists '\"b\"'; expected an absolute device-tree path"},
        BadCheck{compose("component VmNow vm0;",
                         vm_now("vm0") + "vm0.allow_smc = true;\n"
                                         "vm0.allowed_smc_functions = [0xC2000001, 0x84000008];"),
                 "0x84000008]",
                 "'vm0.allowed_smc_functions' lists 0x84000008; expected the ID of a fast SiP, "
                 "OEM or trusted-OS call"},
        BadCheck{compose("component VmNow vm0;", vm_now("vm0") + "vm0.allow_smc = \"yes\";"),
                 "\"yes\"", "'vm0.allow_smc' is '\"yes\"'; expected true or false"},
        BadCheck{compose("component VmNow vm0;", vm_now("vm0") + "vm0.dtb_irqs = [3];"), "3]",
                 "'vm0.dtb_irqs' contains '3'; expected GIC interrupt IDs from 16 to 1019"},
        BadCheck{"component Server {}\n" + compose(""), "component Server {}",
                 "component 'Server' is defined twice (first at lib.camkes:"},
        BadCheck{compose(client_server + "connection seL4RPCCall c_s(from c.opt, to s.p);"),
                 "c_s(from c.opt", "connection 'c_s' is declared twice"}));

// As upstream's fdtQueryEngine: a query matching nothing is `{}` (no device), and a warning
// at the entry names it and the node most likely meant.
TEST(Checks, ADtbQueryMatchingNothingIsDroppedWithAWarning) {
    const auto l = resolve_text(
        compose(vm_with_dtb, vm("vm0") + "vm0.dtb = dtb([{\"path\": \"/pl011@09000000\"},\n"
                                         "{\"path\": \"/pl012@9000000\"},\n"
                                         "{\"properties\": {\"compatible[0]\": \"acme,none\"}},\n"
                                         "{\"path\": \"/pl011@9000000\"}]);"),
        "none.camkes");
    const auto& s = l->system;
    ASSERT_EQ(s.warnings.size(), 3u);
    const auto expect = [&](size_t i, const std::string& start, const std::string& text) {
        EXPECT_EQ(s.warnings[i].rfind(start, 0), 0u) << s.warnings[i];
        EXPECT_NE(s.warnings[i].find(text), std::string::npos) << s.warnings[i];
        EXPECT_NE(s.warnings[i].find("Dropped as upstream does: {}, no device passed through."),
                  std::string::npos)
            << s.warnings[i];
    };
    // (the DTB's path may be shortened in the message)
    expect(0, "none.camkes:7:16: ",
           "dtb query '{\"path\": \"/pl011@09000000\"}' matches no node of '");
    expect(0, "none.camkes:7:16: ", "; did you mean '/pl011@9000000'?");
    expect(1, "none.camkes:8:1: ", "'{\"path\": \"/pl012@9000000\"}' matches no node of '");
    expect(1, "none.camkes:8:1: ", "did you mean '/pl011@9000000'?");
    expect(2, "none.camkes:9:1: ",
           "'{\"properties\": {\"compatible[0]\": \"acme,none\"}}' matches no node of '");
    // The entry that matches is passed through as ever.
    ASSERT_EQ(s.irqs.size(), 1u);
    EXPECT_EQ(s.irqs[0].number, 33u);
    EXPECT_EQ(s.regions.back().phys.base.raw(), 0x9000000u);
}

TEST(Checks, ADeviceQueriedTwiceIsAWarningAndPassedOnce) {
    const auto l = resolve_text(
        compose(vm_with_dtb, vm("vm0") + "vm0.dtb = dtb([{\"path\": \"/pl011@9000000\"}, "
                                         "{\"chosen\": \"stdout-path\"}]);"),
        "twice.camkes");
    const auto& s = l->system;
    ASSERT_EQ(s.warnings.size(), 1u);
    EXPECT_EQ(s.warnings[0].rfind("twice.camkes:", 0), 0u) << s.warnings[0];
    EXPECT_NE(s.warnings[0].find("matches '/pl011@9000000', already matched by "
                                 "'{\"path\": \"/pl011@9000000\"}' at twice.camkes:"),
              std::string::npos)
        << s.warnings[0];
    ASSERT_EQ(s.irqs.size(), 1u); // the UART's IRQ, routed once
    EXPECT_EQ(s.irqs[0].number, 33u);
}

TEST(Checks, GenerateDtbBuildsFromTheBaseDtbAndKeepsTheListedNodes) {
    auto l = resolve_text(compose(
        "component VmNow vm0;",
        vm_now("vm0") +
            "vm0.vm_image_config = {\"kernel_name\": \"linux\", \"dtb_name\": \"linux-dtb\", "
            "\"dtb_base_name\": \"base-dtb\", \"generate_dtb\": true, \"provide_dtb\": false};\n"
            "vm0.plat_keep_devices = [\"/timer\", \"/pmu\"];\n"
            "vm0.plat_keep_devices_and_subtree = [\"/firmware\"];"));
    const auto& vm = *l->system.instance("vm0")->vm;
    EXPECT_EQ(vm.dtb_name, "base-dtb");
    ASSERT_EQ(vm.keep_nodes.size(), 3u);
    EXPECT_EQ(vm.keep_nodes[0].path, "/timer");
    EXPECT_FALSE(vm.keep_nodes[0].subtree);
    EXPECT_EQ(vm.keep_nodes[2].path, "/firmware");
    EXPECT_TRUE(vm.keep_nodes[2].subtree);
    EXPECT_TRUE(l->system.no_effect.empty());
    // Without a base name the VMM generates from dtb_name's file.
    auto plain = resolve_text(
        compose("component VmNow vm0;",
                vm_now("vm0") + "vm0.vm_image_config = {\"generate_dtb\": true, "
                                "\"dtb_name\": \"linux-dtb\", \"dtb_base_name\": \"\"};"));
    EXPECT_EQ(plain->system.instance("vm0")->vm->dtb_name, "linux-dtb");
    // An empty dtb_name (upstream vm_multi's: the guest DTB made from the platform's) takes
    // the platform's DTB, packed under the default name.
    auto empty = resolve_text(compose(
        "component VmNow vm0;", vm_now("vm0") + "vm0.vm_image_config = {\"dtb_name\": \"\"};"));
    EXPECT_EQ(empty->system.instance("vm0")->vm->dtb_name, "linux-dtb");
}

// allow_smc gives the VM a way to the firmware; allowed_smc_functions the calls it passes
// (upstream's zcu102 files, through plat/smc.h). A list without allow_smc has no effect.
TEST(Checks, AllowSmcAndItsFunctionListAreRead) {
    const auto l = resolve_text(
        compose("component VmNow vm0;",
                vm_now("vm0") + "vm0.allow_smc = true;\n"
                                "vm0.allowed_smc_functions = [0xC2000001, 0x8200000D];"));
    const auto& vm = *l->system.instance("vm0")->vm;
    EXPECT_TRUE(vm.allow_smc);
    EXPECT_EQ(vm.allowed_smc_functions, (std::vector<uint32_t>{0xc2000001, 0x8200000d}));
    EXPECT_TRUE(l->system.no_effect.empty());
    const auto off = resolve_text(compose(
        "component VmNow vm0;", vm_now("vm0") + "vm0.allowed_smc_functions = [0xC2000001];"));
    const auto& s = off->system;
    EXPECT_FALSE(s.instance("vm0")->vm->allow_smc);
    EXPECT_TRUE(s.instance("vm0")->vm->allowed_smc_functions.empty());
    ASSERT_EQ(s.no_effect.size(), 1u);
    EXPECT_EQ(s.no_effect[0].attribute, "allowed_smc_functions");
    EXPECT_NE(s.no_effect[0].reason.find("allow_smc is not set"), std::string::npos);
}

TEST(Checks, KernelEntryAddrIsReadAndListedAsNoEffect) {
    // Upstream's zcu102 files set it to ram_base + 0x80000.
    const auto l =
        resolve_text(compose("component VmNow vm0;", vm_now("vm0", "0x4D700000", "0x40080000")));
    const auto& s = l->system;
    const auto it = std::find_if(s.no_effect.begin(), s.no_effect.end(), [](const auto& n) {
        return n.attribute == "vm_address_config.kernel_entry_addr";
    });
    ASSERT_NE(it, s.no_effect.end());
    EXPECT_EQ(it->instance, "vm0");
    EXPECT_EQ(it->value.string, "0x40080000");
    EXPECT_NE(it->reason.find("arm64 Image header"), std::string::npos);
    EXPECT_TRUE(s.instance("vm0")->vm->no_effect.empty()); // moved to the system's list
}

} // namespace
