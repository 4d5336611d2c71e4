// The Cadence UART console driver, registered under spec::ConsoleKind::Cadence.
#include "cadence_uart.hpp"

#include "uart_io.hpp"

namespace kernel::console {
namespace {

void init_cadence(const UartPort& port) {
    UartIo io(port);
    cadence::init(io);
}

void put_cadence(const UartPort& port, char c) {
    UartIo io(port);
    cadence::put(io, c);
}

const UartDriver driver{spec::ConsoleKind::Cadence, init_cadence, put_cadence};
const UartRegistration registration{driver};

} // namespace
} // namespace kernel::console
