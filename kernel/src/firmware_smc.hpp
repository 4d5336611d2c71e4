// The kernel's one way to the secure firmware on behalf of a component (the FirmwareCall
// kernel call): an SMC with x0..x7 from `regs`, the firmware's x0..x3 written back. With
// no firmware behind it (no EL3: the SMC is undefined, as under QEMU for anything but its
// built-in PSCI) the exception vector turns it into NOT_SUPPORTED (x0 = -1).
#pragma once

#include <cstdint>

namespace kernel {

struct FirmwareRegisters {
    uint64_t x[8];
};

} // namespace kernel

extern "C" void firmware_smc(kernel::FirmwareRegisters* regs);
