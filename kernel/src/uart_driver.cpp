// The console UART drivers' registry: one slot per spec::ConsoleKind, filled by the
// drivers' static registrations.
#include "uart_driver.hpp"

namespace kernel::console {
namespace {

constexpr uint32_t kKinds = spec::kConsoleKinds;
const UartDriver* g_drivers[kKinds] = {};

} // namespace

UartRegistration::UartRegistration(const UartDriver& driver) {
    const auto kind = static_cast<uint32_t>(driver.kind);
    if (kind < kKinds) g_drivers[kind] = &driver;
}

const UartDriver* find_driver(spec::ConsoleKind kind) {
    const auto k = static_cast<uint32_t>(kind);
    return k < kKinds ? g_drivers[k] : nullptr;
}

} // namespace kernel::console
