// The input-switch key sequence (see input_switch.hpp): a three-state machine.
#include <serial/input_switch.hpp>

namespace serial {
namespace {
constexpr char kCtrlC = 0x03;
constexpr char kCtrlZ = 0x1a;

bool ends_line(char c) {
    return c == '\r' || c == '\n' || c == kCtrlC || c == kCtrlZ;
}
} // namespace

InputSwitch::Result InputSwitch::feed(char c) {
    switch (state_) {
    case State::LineStart:
        if (c == kEscape) {
            state_ = State::Escape;
            return {Action::Hold, c, 0};
        }
        if (!ends_line(c)) state_ = State::InLine;
        return {Action::Deliver, c, 0};
    case State::InLine:
        if (ends_line(c)) state_ = State::LineStart;
        return {Action::Deliver, c, 0};
    case State::Escape:
        break;
    }
    if (c == kEscape) {
        state_ = State::InLine;
        return {Action::Deliver, c, 0};
    }
    // A command leaves the line empty: another may follow at once.
    state_ = State::LineStart;
    if (c >= '0' && c <= '9') return {Action::SwitchTo, 0, static_cast<unsigned>(c - '0')};
    if (c == '?') return {Action::Help, 0, 0};
    return {Action::Refused, c, 0};
}

} // namespace serial
