// PSCI through SMC: with virtualization=on QEMU's PSCI conduit is SMC.
#include "psci.hpp"

#include <arch/psci.hpp>

namespace kernel::psci {

using arm::psci::kCpuOn64;
using arm::psci::kSystemOff;

void system_off() {
    register uint64_t x0 asm("x0") = kSystemOff;
    asm volatile("smc #0" : "+r"(x0)::"x1", "x2", "x3", "memory");
    for (;;)
        asm volatile("wfi");
}

int64_t cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context) {
    register uint64_t x0 asm("x0") = kCpuOn64;
    register uint64_t x1 asm("x1") = mpidr;
    register uint64_t x2 asm("x2") = entry;
    register uint64_t x3 asm("x3") = context;
    asm volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)::"memory");
    return static_cast<int64_t>(x0);
}

} // namespace kernel::psci
