// A kernel console UART driver: polled transmit only, registered by its own file
// (pl011_uart.cpp, ns16550_uart.cpp, cadence_uart.cpp, imx_uart.cpp) under the
// spec::ConsoleKind the board record names. The register logic is a template over the
// register access (UartIo here, a fake register file in the host tests).
#pragma once

#include <spec/boot_info.hpp>

#include <cstdint>

namespace kernel::console {

// Where a UART's registers are: register byte offset `off` is at base + off.
struct UartPort {
    uint64_t base = 0;
    uint32_t reg_shift = 0; // NS16550: register i at base + (i << reg_shift)
};

struct UartDriver {
    spec::ConsoleKind kind;
    void (*init)(const UartPort& port);
    void (*put)(const UartPort& port, char c);
};

// The driver for `kind`, or nullptr when no driver registered it.
const UartDriver* find_driver(spec::ConsoleKind kind);

// `const UartRegistration reg{driver};` in a driver's file, `driver` a static UartDriver
// (the registry keeps its address); the kernel's init_array runs it before the console
// starts.
struct UartRegistration {
    explicit UartRegistration(const UartDriver& driver);
};

} // namespace kernel::console
