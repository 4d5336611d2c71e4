// Parser unit tests: every construct of the ADL subset, and rejected inputs with
// message and location.
#include "adl/diagnostic.hpp"
#include "adl/parser.hpp"

#include "expect_error.hpp"

#include <gtest/gtest.h>

namespace {

using adl::Value;

TEST(Parser, DeclarationsAndAssembly) {
    auto f = adl::parse_text(R"(
import <std_connector.camkes>;
import "local.camkes";
procedure Fs {
    int open(in string name, in int mode);
    void close(int fd);
    int read(in int fd, out int got, inout unsigned int n);
};
connector seL4RPCCall { from Procedures template "x.c"; to Procedure; }
component VM {
    control;
    uses Fs fs;
    maybe consumes Ev restart;
    emits Ev ready;
    dataport Buf buf;
    has semaphore vm_sem;
    has mutex lock;
    attribute int base_prio;
    attribute int num_vcpus = 1;
    attribute { string a; string b = "-1"; } cfg;
    attribute { int x; } list[] = [];
}
component Server { provides Fs fs_ctrl; }
assembly {
    composition {
        component VM vm0;
        component Server s;
        connection seL4RPCCall c(from vm0.fs, to s.fs_ctrl);
    }
    configuration {
        vm0.base_prio = 100;
        vm0.cfg = {"a": "0x10", "b": "2",};
    }
}
assembly { composition {} configuration { vm0.num_vcpus = 2; } }
)",
                             "ok.camkes");
    ASSERT_EQ(f.imports.size(), 2u);
    EXPECT_TRUE(f.imports[0].angled);
    EXPECT_FALSE(f.imports[1].angled);
    ASSERT_EQ(f.procedures.size(), 1u);
    ASSERT_EQ(f.procedures[0].methods.size(), 3u);
    EXPECT_EQ(f.procedures[0].methods[2].parameters[1].direction, adl::ast::Direction::Out);
    EXPECT_EQ(f.procedures[0].methods[2].parameters[2].direction, adl::ast::Direction::InOut);
    EXPECT_EQ(f.procedures[0].methods[2].parameters[2].type, "unsigned int");
    ASSERT_EQ(f.connectors.size(), 1u);
    EXPECT_TRUE(f.connectors[0].from->plural);
    EXPECT_FALSE(f.connectors[0].to->plural);
    ASSERT_EQ(f.components.size(), 2u);
    const auto& vm = f.components[0];
    EXPECT_TRUE(vm.control);
    EXPECT_EQ(vm.interfaces.size(), 4u);
    EXPECT_TRUE(vm.interfaces[1].optional);
    EXPECT_EQ(vm.sync.size(), 2u);
    ASSERT_EQ(vm.attributes.size(), 4u);
    EXPECT_EQ(vm.attributes[2].fields.size(), 2u);
    EXPECT_TRUE(vm.attributes[3].is_array);
    ASSERT_EQ(f.assemblies.size(), 2u);
    EXPECT_EQ(f.assemblies[0].connections[0].ends.size(), 2u);
    EXPECT_EQ(f.assemblies[0].settings[1].value.field("a")->string, "0x10");
    EXPECT_EQ(f.assemblies[0].settings[1].where.line, 32u);
    EXPECT_EQ(f.assemblies[0].settings[1].where.column, 9u);
}

Value parse_value(const std::string& text) {
    auto f = adl::parse_text("assembly { configuration { a.b = " + text + "; } }", "v.camkes");
    return f.assemblies.at(0).settings.at(0).value;
}

// A compound component (upstream's odroid_vm timer): its own composition connects its own
// interfaces (ends without an instance), its configuration sets them; dtb({...}) is one
// query.
TEST(Parser, CompoundComponent) {
    auto f = adl::parse_text(R"(
component Timer {
    emits Dummy src;
    consumes Dummy pmu;
    composition {
        connection seL4DTBHardware pmu_conn(from src, to pmu);
    }
    configuration {
        pmu.dtb = dtb({"path": "/soc/pwm@12dd0000"});
        pmu.generate_interrupts = 1;
    }
}
)",
                             "c.camkes");
    ASSERT_EQ(f.components.size(), 1u);
    const auto& c = f.components[0];
    ASSERT_TRUE(c.body.has_value());
    ASSERT_EQ(c.body->connections.size(), 1u);
    const auto& conn = c.body->connections[0];
    EXPECT_EQ(conn.connector, "seL4DTBHardware");
    ASSERT_EQ(conn.ends.size(), 2u);
    EXPECT_TRUE(conn.ends[0].instance.empty());
    EXPECT_EQ(conn.ends[0].interface, "src");
    EXPECT_FALSE(conn.ends[1].is_from);
    EXPECT_EQ(conn.ends[1].interface, "pmu");
    ASSERT_EQ(c.body->settings.size(), 2u);
    EXPECT_EQ(c.body->settings[0].instance, "pmu");
    EXPECT_EQ(c.body->settings[0].attribute, "dtb");
    ASSERT_EQ(c.body->settings[0].value.kind, Value::Kind::DtbQuery);
    ASSERT_EQ(c.body->settings[0].value.items.size(), 1u);
    EXPECT_EQ(c.body->settings[0].value.items[0].field("path")->string, "/soc/pwm@12dd0000");
    EXPECT_EQ(c.body->settings[1].value.integer, 1);
    EXPECT_FALSE(adl::parse_text("component C { }", "d.camkes").components[0].body.has_value());
}

TEST(Parser, Values) {
    EXPECT_EQ(parse_value("-5").integer, -5);
    EXPECT_EQ(parse_value("0x8000000").integer, 0x8000000);
    EXPECT_EQ(parse_value("1 << 27").integer, 1 << 27);
    EXPECT_EQ(parse_value("(2 + 3) * 4 - 1").integer, 19);
    EXPECT_EQ(parse_value("0x10 | 0x1 & 0x3").integer, 0x11);
    EXPECT_TRUE(parse_value("true").boolean);
    EXPECT_FALSE(parse_value("False").boolean);
    auto list = parse_value("[1, \"two\", [3,], {\"k\": {\"n\": -1},},]");
    ASSERT_EQ(list.kind, Value::Kind::List);
    ASSERT_EQ(list.items.size(), 4u);
    EXPECT_EQ(list.items[2].items[0].integer, 3);
    EXPECT_EQ(list.items[3].field("k")->field("n")->integer, -1);
    auto q = parse_value(
        "dtb([{\"path\": \"/pl011@9000000\"}, {\"properties\": {\"compatible[0]\": \"x\"}},])");
    ASSERT_EQ(q.kind, Value::Kind::DtbQuery);
    ASSERT_EQ(q.items.size(), 2u);
    EXPECT_EQ(q.items[0].field("path")->string, "/pl011@9000000");
    EXPECT_EQ(
        q.to_adl(),
        "dtb([{\"path\": \"/pl011@9000000\"}, {\"properties\": {\"compatible[0]\": \"x\"}}])");
}

using tool_test::BadInput;

class ParserRejects : public ::testing::TestWithParam<BadInput> {};

TEST_P(ParserRejects, WithMessageAndLocation) {
    const auto& bad = GetParam();
    tool_test::expect_error([&] { adl::parse_text(bad.text, "bad.camkes"); }, "bad.camkes",
                            bad.line, bad.column, bad.message, bad.text);
}

#define CFG(x) "assembly { configuration {\n  a.b = " x ";\n} }"

INSTANTIATE_TEST_SUITE_P(
    Bad, ParserRejects,
    ::testing::Values(
        BadInput{"struct s { };", 1, 12, "struct 's' has no fields; expected at least one"},
        BadInput{"component C { dataport Buf(100) d; }", 1, 28,
                 "dataport size '100' in 'dataport Buf(...)'; expected a positive multiple of 4096 "
                 "bytes"},
        BadInput{"component C { dataport Buf(4096 d; }", 1, 33,
                 "expected ')' after the dataport size '4096', found 'd'"},
        BadInput{"procedure P { include \"x.h\" }", 1, 29, "expected ';' after include \"x.h\""},
        BadInput{"foo;", 1, 1,
                 "expected 'import', 'procedure', 'struct', 'component', 'connector' or "
                 "'assembly' at top level, found 'foo'"},
        BadInput{"import foo;", 1, 8, "expected a file after 'import'"},
        BadInput{"import \"a.camkes\"", 1, 18, "expected ';' after import, found end of input"},
        BadInput{"procedure { }", 1, 11, "expected a procedure name after 'procedure', found '{'"},
        BadInput{"procedure P { int f(in int); };", 1, 27,
                 "expected a parameter name after type 'int', found ')'"},
        BadInput{"procedure P { int f(int a b); };", 1, 27,
                 "expected ',' or ')' between parameters of method 'f', found 'b'"},
        BadInput{"procedure P { int f(int a) }", 1, 28, "expected ';' after method 'f', found '}'"},
        BadInput{"procedure P {\n int f();", 2, 10,
                 "expected '}' to close procedure 'P', found end of input"},
        BadInput{"component C { provides; }", 1, 23,
                 "expected an interface type after 'provides', found ';'"},
        BadInput{"component C { offers X x; }", 1, 15, "found 'offers'"},
        // Only a compound component's own composition names its interfaces alone.
        BadInput{"assembly { composition { connection c x(from a, to b.c); } }", 1, 47,
                 "expected '.' between instance and interface ('from a.iface'), found ','"},
        BadInput{"component C { composition { connection c x(from a to b); } }", 1, 51,
                 "expected ',' or ')' between the ends of connection 'x', found 'to'"},
        BadInput{"component C { configuration { a.dtb = dtb(\"/x\"); } }", 1, 43,
                 "expected '[' inside 'dtb('"},
        BadInput{"component C { uses X x }", 1, 24, "expected ';' after interface 'x', found '}'"},
        BadInput{"component C { has lock l; }", 1, 19,
                 "expected 'mutex', 'semaphore' or 'binary_semaphore' after 'has', found 'lock'"},
        BadInput{"component C { attribute int; }", 1, 28, "expected an attribute name, found ';'"},
        BadInput{"component C { attribute int a[3]; }", 1, 31,
                 "expected ']' after '[' in attribute 'a'"},
        BadInput{"component C { attribute { } a; }", 1, 29, "expected at least one field"},
        BadInput{"component C { control }", 1, 23, "expected ';' after 'control', found '}'"},
        BadInput{"connector K { from Thing; to Procedure; }", 1, 20,
                 "expected Procedure(s), Event(s) or Dataport(s) after 'from', found 'Thing'"},
        BadInput{"connector K { from Procedure; }", 1, 31,
                 "connector 'K' needs both a 'from' and a 'to' side"},
        BadInput{"connector K { from Event; from Event; to Event; }", 1, 27,
                 "connector 'K' already has a 'from' side"},
        BadInput{"connector K { sideways Event; }", 1, 15,
                 "expected 'from' or 'to' in connector 'K', found 'sideways'"},
        BadInput{"assembly { wiring { } }", 1, 12,
                 "expected 'composition' or 'configuration' in assembly, found 'wiring'"},
        BadInput{"assembly { composition { component VM; } }", 1, 38,
                 "expected an instance name after 'component VM', found ';'"},
        BadInput{"assembly { composition { connection C c(vm.a, to s.b); } }", 1, 41,
                 "expected 'from' or 'to' at the start of a connection end, found 'vm'"},
        BadInput{"assembly { composition { connection C c(from vm a); } }", 1, 49,
                 "expected '.' between instance and interface"},
        BadInput{"assembly { composition { connection C c(from vm.a to s.b); } }", 1, 51,
                 "expected ',' or ')' between the ends of connection 'c', found 'to'"},
        BadInput{"assembly { composition { vm0.x = 1; } }", 1, 26,
                 "expected 'component' or 'connection' in composition, found 'vm0'"},
        BadInput{"assembly { configuration { vm0 = 1; } }", 1, 32,
                 "expected '.' after instance 'vm0'"},
        BadInput{"assembly { configuration { vm0.a 1; } }", 1, 34,
                 "expected '=' after 'vm0.a', found '1'"},
        BadInput{"assembly { configuration { vm0.a = 1 } }", 1, 38,
                 "expected ';' after the value of 'vm0.a', found '}'"},
        BadInput{CFG("[1, 2"), 2, 14, "expected ',' or ']' between list elements, found ';'"},
        BadInput{CFG("{\"a\" 1}"), 2, 14, "expected ':' after dict key 'a', found '1'"},
        BadInput{CFG("{\"a\": 1, \"a\": 2}"), 2, 18, "duplicate dict key 'a'"},
        BadInput{CFG("{1: 2}"), 2, 10, "expected a dict key (\"name\") or '}', found '1'"},
        BadInput{CFG("VM_RAM_BASE"), 2, 9, "unknown name 'VM_RAM_BASE' in a value"},
        BadInput{CFG("dtb({\"path\": \"/x\"} 1)"), 2, 28, "expected ')' to close 'dtb('"},
        BadInput{CFG("dtb([])"), 2, 13, "empty dtb([]) query"},
        BadInput{CFG("dtb([\"/x\"])"), 2, 14,
                 "dtb() query entry '\"/x\"' is a string; expected a dict"},
        BadInput{CFG("1 << 64"), 2, 11, "shift by 64"},
        BadInput{CFG("4 / 0"), 2, 11, "division by zero"},
        BadInput{CFG("\"s\" + 1"), 2, 9, "operator '+' needs integers, found string '\"s\"'"},
        BadInput{CFG("-[1]"), 2, 10, "operator '-' needs an integer, found list"},
        BadInput{
            CFG(";"), 2, 9,
            "expected a value (number, string, true/false, list, dict or dtb([...])), found ';'"},
        BadInput{CFG("(1 + 2"), 2, 15, "expected ')' to close '('"},
        BadInput{CFG("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["), 2,
                 73, "nested more than 64 levels"}));

} // namespace
