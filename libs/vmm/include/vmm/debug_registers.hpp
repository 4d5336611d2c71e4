// The guest's view of the debug registers (breakpoints, watchpoints, MDSCR_EL1, the OS lock,
// the debug ROM address: op0 = 0b10), which the kernel traps (arch/mdcr.hpp): the hardware
// is not the guest's to arm. Each reads as zero (nothing armed, OS lock clear) and ignores
// writes; the first access of the VM is logged once (Linux makes some at boot), so a guest
// debugger that finds its breakpoints dead can be told why from the log.
#pragma once

#include <vmm/log.hpp>
#include <vmm/system_register_handler.hpp>

namespace vmm {

class DebugRegisters final : public SystemRegisterHandler {
public:
    explicit DebugRegisters(LogSink& log) : log_(log) {}

    [[nodiscard]] bool write(const arm::SysRegIss& reg, unsigned vcpu, uint64_t value) override;
    [[nodiscard]] bool read(const arm::SysRegIss& reg, unsigned vcpu, uint64_t& value) override;

    // Accesses answered so far.
    [[nodiscard]] uint64_t accesses() const { return accesses_; }

private:
    [[nodiscard]] bool take(const arm::SysRegIss& reg, unsigned vcpu);

    LogSink& log_;
    uint64_t accesses_ = 0;
};

} // namespace vmm
