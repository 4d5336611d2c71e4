// kernel_boot component: proves EL0 entry (argument in x0), the debug console call,
// and power-off through a capability.
#include "components/hello_slots.hpp"

#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>

extern "C" void component_main(uint64_t arg) {
    runtime::out() << "hello from EL0, arg=" << runtime::Dec{arg} << "\n";
    runtime::SystemControlCap(runtime::Slot{hello::kPowerSlot}).power_off();
}
