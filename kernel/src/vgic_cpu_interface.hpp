// The virtual CPU interface's control side, owned by the kernel: list registers, VMCR
// and active priorities switched per vCPU, and the EOI status the maintenance interrupt
// reports. One interface over the GICv2 GICH frame (vgic_gich.cpp; the guest talks to the
// GICV frame mapped at its GICC) and the GICv3 ICH_* system registers (vgic_ich.cpp; the
// guest uses its ICC_* registers, which the hardware virtualises), chosen with the GIC.
// List registers cross this interface as GICH_LR words (arm::gicv2::ListRegister) on
// both versions: the vCPU ABI's format; vgic_ich.cpp converts.
#pragma once

#include <spec/system_spec.hpp>

#include <cstdint>

namespace kernel::vgic {

inline constexpr unsigned kMaxListRegisters = 16;

// One vCPU's share of the interface state while it is not loaded.
struct CpuInterfaceState {
    uint32_t lr[kMaxListRegisters] = {};
    uint32_t vmcr = 0;
    uint32_t apr = 0;  // GICH_APR; GICv3: ICH_AP1R0_EL2
    uint32_t apr0 = 0; // GICv3: ICH_AP0R0_EL2
};

// One GIC version's hypervisor interface: vgic_gich.cpp and vgic_ich.cpp define one.
struct Driver {
    uint32_t version;
    // This core's interface: list registers cleared, enabled; returns how many there are.
    unsigned (*init)(const spec::Board& board);
    void (*save)(CpuInterfaceState& s, unsigned lrs);
    void (*load)(const CpuInterfaceState& s, unsigned lrs);
    uint32_t (*read_lr)(unsigned i);
    void (*write_lr)(unsigned i, uint32_t value);
    uint32_t (*eoi_status)();
};
[[nodiscard]] const Driver& gich_driver();
[[nodiscard]] const Driver& ich_driver();

// Each core, after the GIC: the interface of the board's GIC version on this core.
void init(const spec::Board& board);
[[nodiscard]] bool present();
// Hardware list registers; the last one is the kernel's (virtual timer), the others
// are lent to the VMM.
[[nodiscard]] unsigned list_register_count();
[[nodiscard]] unsigned timer_list_register();
// Whether the guest's interrupts are Group 1 (GICv3: Linux enables Group 1 only) or
// Group 0 (GICv2's GICV, as Linux drives it).
[[nodiscard]] bool guest_group1();

void save(CpuInterfaceState& s);
void load(const CpuInterfaceState& s);
[[nodiscard]] uint32_t read_lr(unsigned i);
void write_lr(unsigned i, uint32_t value);
// List registers whose interrupt the guest EOId with the EOI bit set (GICH_EISR0,
// ICH_EISR_EL2).
[[nodiscard]] uint32_t eoi_status();

} // namespace kernel::vgic
