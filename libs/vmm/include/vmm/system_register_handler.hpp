// A device that answers trapped guest system-register accesses (ESR EC 0x18), registered
// with the ExitLoop; the first that takes an access answers it (the vGICv3's SGI
// registers). Accesses nobody takes are logged and ignored (reads as 0).
#pragma once

#include <arch/esr.hpp>

#include <cstdint>

namespace vmm {

class SystemRegisterHandler {
public:
    // vCPU `vcpu` wrote `value` to the register `reg` names. False: not this handler's.
    [[nodiscard]] virtual bool write(const arm::SysRegIss& reg, unsigned vcpu, uint64_t value) = 0;
    // vCPU `vcpu` reads it. False: not this handler's.
    [[nodiscard]] virtual bool read(const arm::SysRegIss& reg, unsigned vcpu, uint64_t& value) = 0;

protected:
    ~SystemRegisterHandler() = default;
};

} // namespace vmm
