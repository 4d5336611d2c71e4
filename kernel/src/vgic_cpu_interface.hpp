// The GICv2 virtual CPU interface control frame (GICH), owned by the kernel: list
// registers, VMCR and APR switched per vCPU, and the EOI status the maintenance
// interrupt reports. The guest itself talks to the GICV frame mapped at its GICC.
#pragma once

#include <cstdint>

namespace kernel::vgic {

inline constexpr unsigned kMaxListRegisters = 16;

// One vCPU's share of the GICH state while it is not loaded.
struct CpuInterfaceState {
    uint32_t lr[kMaxListRegisters] = {};
    uint32_t vmcr = 0;
    uint32_t apr = 0;
};

void init(uint64_t gich);
[[nodiscard]] bool present();
// Hardware list registers; the last one is the kernel's (virtual timer), the others
// are lent to the VMM.
[[nodiscard]] unsigned list_register_count();
[[nodiscard]] unsigned timer_list_register();

void save(CpuInterfaceState& s);
void load(const CpuInterfaceState& s);
[[nodiscard]] uint32_t read_lr(unsigned i);
void write_lr(unsigned i, uint32_t value);
// List registers whose interrupt the guest EOId with the EOI bit set (GICH_EISR0).
[[nodiscard]] uint32_t eoi_status();

} // namespace kernel::vgic
