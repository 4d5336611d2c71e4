// The NS16550/8250 console driver, registered under spec::ConsoleKind::Ns16550.
#include "ns16550_uart.hpp"

#include "uart_io.hpp"

namespace kernel::console {
namespace {

void put_ns16550(const UartPort& port, char c) {
    UartIo io(port);
    ns16550::put(io, port.reg_shift, c);
}

const UartDriver driver{spec::ConsoleKind::Ns16550, [](const UartPort&) {}, put_ns16550};
const UartRegistration registration{driver};

} // namespace
} // namespace kernel::console
