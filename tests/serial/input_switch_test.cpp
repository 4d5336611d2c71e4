// The input-switch key sequence: '@' commands only at the start of a line.
#include <serial/input_switch.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

using serial::InputSwitch;
using Action = InputSwitch::Action;

std::string delivered(InputSwitch& s, const std::string& keys) {
    std::string out;
    for (char c : keys) {
        const auto r = s.feed(c);
        if (r.action == Action::Deliver) out += r.byte;
    }
    return out;
}

TEST(InputSwitch, DigitAfterEscapeAtLineStartSwitches) {
    InputSwitch s;
    EXPECT_EQ(s.feed('@').action, Action::Hold);
    const auto r = s.feed('2');
    EXPECT_EQ(r.action, Action::SwitchTo);
    EXPECT_EQ(r.client, 2U);
    // Another command may follow at once.
    EXPECT_EQ(s.feed('@').action, Action::Hold);
    EXPECT_EQ(s.feed('?').action, Action::Help);
}

TEST(InputSwitch, EscapeInsideALineIsAnOrdinaryCharacter) {
    InputSwitch s;
    EXPECT_EQ(delivered(s, "echo a@1\r"), "echo a@1\r");
    // After the CR the line starts again.
    EXPECT_EQ(s.feed('@').action, Action::Hold);
    EXPECT_EQ(s.feed('1').action, Action::SwitchTo);
}

TEST(InputSwitch, DoubleEscapeTypesOneEscape) {
    InputSwitch s;
    EXPECT_EQ(delivered(s, "@@x"), "@x");
}

TEST(InputSwitch, CtrlCAndCtrlZEndALine) {
    InputSwitch s;
    EXPECT_EQ(delivered(s, "sleep 10\x03"), "sleep 10\x03");
    EXPECT_EQ(s.feed('@').action, Action::Hold);
    EXPECT_EQ(s.feed('0').action, Action::SwitchTo);
}

TEST(InputSwitch, OtherKeysAfterEscapeAreRefused) {
    InputSwitch s;
    (void)s.feed('@');
    const auto r = s.feed('x');
    EXPECT_EQ(r.action, Action::Refused);
    EXPECT_EQ(r.byte, 'x');
    EXPECT_EQ(delivered(s, "ls\n"), "ls\n");
}

} // namespace
