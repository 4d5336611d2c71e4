// PSCI through SMC: with virtualization=on QEMU's PSCI conduit is SMC.
#include "psci.hpp"

#include <cstdint>

namespace kernel::psci {

constexpr uint64_t kSystemOff = 0x84000008;

void system_off() {
    register uint64_t x0 asm("x0") = kSystemOff;
    asm volatile("smc #0" : "+r"(x0)::"x1", "x2", "x3", "memory");
    for (;;)
        asm volatile("wfi");
}

} // namespace kernel::psci
