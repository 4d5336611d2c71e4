// PSCI calls to the firmware (QEMU answers them itself when it has no EL3).
#pragma once

namespace kernel::psci {

[[noreturn]] void system_off();

} // namespace kernel::psci
