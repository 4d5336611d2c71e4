// The key sequence that moves the console's input from one client to another, as
// upstream's SerialServer reads it: at the start of a line (after CR, LF, Ctrl-C or
// Ctrl-Z, or before anything was typed), '@' begins a command:
//   @<digit>  input goes to client <digit> (0-based, in the order the server lists them)
//   @?        the server lists its clients and says where input goes
//   @@        one literal '@' for the current client
// '@' anywhere else is an ordinary character; any other key after '@' is refused (and
// the server says so), and the line continues. One byte in, at most one action out.
#pragma once

#include <cstdint>

namespace serial {

class InputSwitch {
public:
    enum class Action : uint8_t {
        Deliver,  // give `byte` to the client input goes to
        Hold,     // the '@' that may start a command: nothing yet
        SwitchTo, // input goes to client `client` now
        Help,     // list the clients
        Refused   // '@' + something that is no command
    };
    struct Result {
        Action action = Action::Deliver;
        char byte = 0;       // Deliver: the byte; Refused: the key after '@'
        unsigned client = 0; // SwitchTo
    };

    static constexpr char kEscape = '@';

    Result feed(char c);

private:
    enum class State : uint8_t { LineStart, InLine, Escape };
    State state_ = State::LineStart;
};

} // namespace serial
