// The kernel's debug log goes to the board's console UART through the driver
// registered for its kind (uart_driver.hpp).
#include "console.hpp"

#include "uart_driver.hpp"

namespace kernel::console {
namespace {

[[maybe_unused]] const UartDriver* g_driver = nullptr;
[[maybe_unused]] UartPort g_port;

void sink(char c) {
#if !defined(BULKHEAD_RELEASE)
    if (g_driver == nullptr) return;
    g_driver->put(g_port, c);
#else
    (void)c;
#endif
}

base::TextWriter g_writer(sink);

} // namespace

void init(spec::ConsoleKind kind, uint64_t base, uint32_t reg_shift) {
#if !defined(BULKHEAD_RELEASE)
    const UartDriver* driver = find_driver(kind);
    if (driver == nullptr || base == 0) return;
    g_port = UartPort{base, reg_shift};
    driver->init(g_port);
    g_driver = driver;
#else
    (void)kind;
    (void)base;
    (void)reg_shift;
#endif
}

void put(char c) {
    sink(c);
}

base::TextWriter& out() {
    return g_writer;
}

} // namespace kernel::console
