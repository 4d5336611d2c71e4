// The i.MX UART console driver, registered under spec::ConsoleKind::Imx.
#include "imx_uart.hpp"

#include "uart_io.hpp"

namespace kernel::console {
namespace {

const UartDriver driver{spec::ConsoleKind::Imx,
                        [](const UartPort& port) {
                            UartIo io(port);
                            imx::init(io);
                        },
                        [](const UartPort& port, char c) {
                            UartIo io(port);
                            imx::put(io, c);
                        }};
const UartRegistration registration{driver};

} // namespace
} // namespace kernel::console
