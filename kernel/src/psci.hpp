// PSCI calls to the firmware (QEMU answers them itself when it has no EL3).
#pragma once

#include <cstdint>

namespace kernel::psci {

[[noreturn]] void system_off();
// Starts the core with affinity `mpidr` at physical address `entry` in EL2, with x0 =
// `context`. Returns PSCI's status (0 = success, negative = refused).
int64_t cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context);

} // namespace kernel::psci
