// The PL011 console driver, registered under spec::ConsoleKind::Pl011.
#include "pl011_uart.hpp"

#include "uart_io.hpp"

namespace kernel::console {
namespace {

void put_pl011(const UartPort& port, char c) {
    UartIo io(port);
    pl011::put(io, c);
}

const UartDriver driver{spec::ConsoleKind::Pl011, [](const UartPort&) {}, put_pl011};
const UartRegistration registration{driver};

} // namespace
} // namespace kernel::console
