// dtb() queries over real device trees: QEMU virt's own, TX1's from Debian's
// linux-image-arm64, TX2's compiled from linux-source-6.1, and a synthetic tree
// for interrupts-extended and bus address translation.
#include "adl/device_tree.hpp"
#include "adl/loader.hpp"
#include "adl/parser.hpp"
#include "adl/resolver.hpp"
#include "expect_error.hpp"
#include "vm_minimal_app.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace {

adl::DeviceMatch query(const std::string& dtb, const std::string& entry) {
    auto file =
        adl::parse_text("assembly { configuration { a.b = dtb([" + entry + "]); } }", "q.camkes");
    const adl::Value& q = file.assemblies.at(0).settings.at(0).value.items.at(0);
    const auto tree = adl::DeviceTree::load(dtb, q.where);
    auto m = tree.query(q);
    if (!m) {
        throw std::runtime_error(tree.no_match(q));
    }
    return *m;
}

std::string no_match(const std::string& dtb, const std::string& entry) {
    auto file =
        adl::parse_text("assembly { configuration { a.b = dtb([" + entry + "]); } }", "q.camkes");
    const adl::Value& q = file.assemblies.at(0).settings.at(0).value.items.at(0);
    const auto tree = adl::DeviceTree::load(dtb, q.where);
    EXPECT_FALSE(tree.query(q).has_value()) << entry;
    return tree.no_match(q);
}

std::vector<uint32_t> ids(const adl::DeviceMatch& m) {
    std::vector<uint32_t> out;
    for (const auto& i : m.interrupts) {
        out.push_back(i.id);
    }
    return out;
}

const std::string qemu = BULKHEAD_PLATFORM_DTB;
const std::string tx1 = BULKHEAD_TX1_DTB;
const std::string tx2 = BULKHEAD_TX2_DTB;
const std::string synthetic = BULKHEAD_BOARD_DTB_DIR "/extended.dtb";

TEST(DtbQuery, QemuPl011ByPath) {
    auto m = query(qemu, R"({"path": "/pl011@9000000"})");
    EXPECT_EQ(m.path, "/pl011@9000000");
    ASSERT_EQ(m.registers.size(), 1u);
    EXPECT_EQ(m.registers[0].base.raw(), 0x9000000u);
    EXPECT_EQ(m.registers[0].size, 0x1000u);
    EXPECT_EQ(ids(m), std::vector<uint32_t>{33});
}

TEST(DtbQuery, QemuPathIsCaseInsensitiveRegex) {
    EXPECT_EQ(query(qemu, R"({"path": "PL011@9.*"})").path, "/pl011@9000000");
}

// A quantifier on a quantifier is refused, as Python's re refuses it ("multiple repeat"):
// std::regex nested the repeats and backtracked for minutes over one path (`@****...`,
// found by the tool's fuzzer). A lazy `*?` is one quantifier; an escaped `\*` a literal.
TEST(DtbQuery, MultipleRepeatIsRefusedAtItsPlace) {
    for (const char* path : {"/pl011@**9", "/pl011+*", "/pl011@9{1,3}*", "a*??"}) {
        tool_test::expect_error([&] { query(qemu, std::string(R"({"path": ")") + path + R"("})"); },
                                "q.camkes", 1, 39, "in dtb query (multiple repeat at offset", path);
    }
    EXPECT_EQ(query(qemu, R"({"path": "PL011@9.*?0$"})").path, "/pl011@9000000");
    EXPECT_THROW(query(qemu, R"({"path": "/pl011\\*"})"), std::runtime_error)
        << "an escaped star is a literal: no node matches, no refusal";
    tool_test::expect_error(
        [&] { query(qemu, R"({"properties": {"compatible[0]": "arm,pl011"}, "path": "x**"})"); },
        "q.camkes", 1, 94, "multiple repeat at offset 2", "x**");
}

// Path patterns run in time linear in the path (RE2): std::regex backtracked on nested
// repeats such as these for over a minute per node (the unit tests' timeout fails that).
TEST(DtbQuery, NestedRepeatsMatchInLinearTime) {
    EXPECT_NE(no_match(qemu, R"({"path": "^(/?[a-z0-9@-]*)*!"})").find("matches no node"),
              std::string::npos);
    EXPECT_EQ(query(qemu, R"({"path": "^(/[a-z0-9-]*@?[0-9a-f]*)*/PL011@9000000$"})").path,
              "/pl011@9000000");
}

// What RE2 lacks of Python's syntax (lookaround, backreferences) is refused with its reason.
TEST(DtbQuery, PythonOnlySyntaxIsRefusedWithTheReason) {
    tool_test::expect_error([&] { query(qemu, R"q({"path": "pl011(?=@)"})q"); }, "q.camkes", 1, 39,
                            "in dtb query (invalid perl operator: (?=", "pl011(?=@)");
    tool_test::expect_error([&] { query(qemu, R"({"path": "(p)l011\\1"})"); }, "q.camkes", 1, 39,
                            "in dtb query (invalid escape sequence: \\1", "(p)l011\\1");
}

TEST(DtbQuery, QemuCompatibleAndChosen) {
    EXPECT_EQ(query(qemu, R"({"properties": {"compatible[0]": "arm,pl011"}})").path,
              "/pl011@9000000");
    EXPECT_EQ(
        query(qemu, R"({"properties": {"compatible[1]": "arm,primecell"}, "path": "pl011"})").path,
        "/pl011@9000000");
    EXPECT_EQ(query(qemu, R"({"chosen": "stdout-path"})").path, "/pl011@9000000");
}

TEST(DtbQuery, NoMatchIsNoneAndItsMessageQuotesTheQueryAndTheNodeMeant) {
    const std::string serial = no_match(qemu, R"({"path": "/serial@70006000"})");
    EXPECT_EQ(serial.rfind("dtb query '{\"path\": \"/serial@70006000\"}' matches no node of '", 0),
              0u)
        << serial;
    EXPECT_NE(no_match(qemu, R"({"aliases": "serial0"})").find("matches no node"),
              std::string::npos);
    // A unit address written with leading zeros (upstream's exynos5422 "/firmware@02073000").
    EXPECT_NE(
        no_match(qemu, R"({"path": "/pl011@09000000"})").find("did you mean '/pl011@9000000'?"),
        std::string::npos);
    // Nothing near: the sentence simply ends.
    const std::string acme = no_match(qemu, R"({"properties": {"compatible[0]": "acme,none"}})");
    EXPECT_EQ(acme.back(), '.') << acme;
}

TEST(DtbQuery, Tx1SerialFromDebian) {
    auto m = query(tx1, R"({"path": "/serial@70006000"})");
    EXPECT_EQ(m.path, "/serial@70006000");
    ASSERT_EQ(m.registers.size(), 1u);
    EXPECT_EQ(m.registers[0].base.raw(), 0x70006000u);
    EXPECT_EQ(m.registers[0].size, 0x40u);
    EXPECT_EQ(ids(m), std::vector<uint32_t>{36 + 32}); // GIC_SPI 36
    EXPECT_EQ(query(tx1, R"({"aliases": "serial0"})").path, "/serial@70006000");
    EXPECT_EQ(query(tx1, R"({"chosen": "stdout-path"})").path,
              "/serial@70006000"); // "serial0:115200n8"
}

TEST(DtbQuery, Tx2BpmpByCompatible) {
    auto m = query(tx2, R"({"properties": {"compatible[0]": "nvidia,tegra186-bpmp"}})");
    EXPECT_EQ(m.path, "/bpmp");
    EXPECT_TRUE(m.registers.empty()); // the BPMP talks through mailboxes and shared memory
    auto uart = query(tx2, R"({"path": "/serial@3100000"})");
    ASSERT_EQ(uart.registers.size(), 1u);
    EXPECT_EQ(uart.registers[0].base.raw(), 0x3100000u);
    EXPECT_EQ(ids(uart), std::vector<uint32_t>{0x70 + 32});
}

TEST(DtbQuery, InterruptsExtendedAndBusRanges) {
    auto m = query(synthetic, R"({"aliases": "serial0"})");
    EXPECT_EQ(m.path, "/soc/uart@1000");
    ASSERT_EQ(m.registers.size(), 1u);
    EXPECT_EQ(m.registers[0].base.raw(), 0x20001000u);  // translated through /soc's ranges
    EXPECT_EQ(ids(m), (std::vector<uint32_t>{42, 25})); // SPI 10, PPI 9; the GPIO one is not GIC
    ASSERT_EQ(m.warnings.size(), 1u);
    EXPECT_NE(m.warnings[0].find("not the GIC's 3"), std::string::npos);
    auto timer = query(synthetic, R"({"properties": {"compatible": "acme,timer"}})");
    ASSERT_EQ(timer.registers.size(), 2u);
    EXPECT_EQ(timer.registers[1].base.raw(), 0x20005000u);
    EXPECT_EQ(ids(timer), std::vector<uint32_t>{29}); // PPI 13
    EXPECT_EQ(query(synthetic, R"({"chosen": "stdout-path"})").path, "/soc/uart@1000");
}

} // namespace

namespace {

// At model level: the TX1 UART passed through to a VM becomes its page and SPI + 32.
TEST(DtbQuery, Tx1PassthroughInTheModel) {
    auto app = tool_test::load_test_app("tx1_app");
    auto s = adl::resolve(app.merged, {"tx1", tx1});
    ASSERT_EQ(s.regions.size(), 2u);
    EXPECT_EQ(s.regions[1].phys.base.raw(), 0x70006000u);
    EXPECT_EQ(s.regions[1].phys.size, 0x1000u);
    EXPECT_EQ(s.regions[1].guest.base.raw(), 0x70006000u);
    ASSERT_EQ(s.irqs.size(), 1u);
    EXPECT_EQ(s.irqs[0].number, 68u);
    EXPECT_EQ(s.instance("vm0")->vm->layout.ram.base.raw(), 0x80000000u);
}

} // namespace
