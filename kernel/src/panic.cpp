// Kernel panics and unexpected kernel-mode exceptions.
#include "panic.hpp"

#include "console.hpp"
#include "psci.hpp"

namespace kernel {

void panic(const char* why) {
    log() << "BULKHEAD PANIC: " << why << "\n";
    psci::system_off();
}

void panic(const char* why, uint64_t value) {
    log() << "BULKHEAD PANIC: " << why << " " << Hex{value} << "\n";
    psci::system_off();
}

} // namespace kernel

extern "C" [[noreturn]] void handle_kernel_fault(uint64_t esr, uint64_t elr, uint64_t far) {
    kernel::log() << "BULKHEAD PANIC: exception in the kernel: esr=" << kernel::Hex{esr}
                  << " elr=" << kernel::Hex{elr} << " far=" << kernel::Hex{far} << "\n";
    kernel::psci::system_off();
}
