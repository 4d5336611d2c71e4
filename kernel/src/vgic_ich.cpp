// GICv3 hypervisor interface: the ICH_* system registers (Arm IHI 0069H, 12.4). The list
// registers keep their GICH_LR meaning at the interface and are converted here
// (arm::gicv3::lr_from_v2 / lr_to_v2). The guest's SGI register writes are not
// virtualised: with HCR_EL2.IMO set they trap (EC 0x18) and reach the VMM.
#include "sysreg.hpp"
#include "vgic_cpu_interface.hpp"

#include <arch/gic_v3.hpp>

namespace kernel::vgic_ich {
namespace {

namespace v3 = arm::gicv3;

// ICH_LR<n>_EL2: n = 0..7 are S3_4_C12_C12_n, 8..15 are S3_4_C12_C13_(n-8); each its own
// instruction.
// clang-format off
#define BH_ICH_LR_CASES(X)                                                                         \
    X(0, C12, 0) X(1, C12, 1) X(2, C12, 2) X(3, C12, 3)                                            \
    X(4, C12, 4) X(5, C12, 5) X(6, C12, 6) X(7, C12, 7)                                            \
    X(8, C13, 0) X(9, C13, 1) X(10, C13, 2) X(11, C13, 3)                                          \
    X(12, C13, 4) X(13, C13, 5) X(14, C13, 6) X(15, C13, 7)
// clang-format on

uint64_t read_hw_lr(unsigned i) {
    switch (i) {
#define BH_READ_LR(n, crm, op2)                                                                    \
    case n:                                                                                        \
        return BH_READ_SYSREG(S3_4_C12_##crm##_##op2);
        BH_ICH_LR_CASES(BH_READ_LR)
#undef BH_READ_LR
    default:
        return 0;
    }
}

void write_hw_lr(unsigned i, uint64_t v) {
    switch (i) {
#define BH_WRITE_LR(n, crm, op2)                                                                   \
    case n:                                                                                        \
        BH_WRITE_SYSREG(S3_4_C12_##crm##_##op2, v);                                                \
        break;
        BH_ICH_LR_CASES(BH_WRITE_LR)
#undef BH_WRITE_LR
    default:
        break;
    }
}
#undef BH_ICH_LR_CASES

uint32_t read_lr(unsigned i) {
    return v3::lr_to_v2(read_hw_lr(i)).encode();
}

void write_lr(unsigned i, uint32_t value) {
    write_hw_lr(i, v3::lr_from_v2(arm::gicv2::ListRegister::decode(value)));
}

unsigned init(const spec::Board&) {
    // ICC_SRE_EL2 is set by the GIC driver (gic_v3.cpp) before this runs.
    unsigned lrs = v3::ich::vtr_list_registers(BH_READ_SYSREG(S3_4_C12_C11_1)); // ICH_VTR_EL2
    if (lrs > vgic::kMaxListRegisters) lrs = vgic::kMaxListRegisters;
    for (unsigned i = 0; i < lrs; ++i)
        write_hw_lr(i, 0);
    BH_WRITE_SYSREG(S3_4_C12_C8_0, 0);                // ICH_AP0R0_EL2
    BH_WRITE_SYSREG(S3_4_C12_C9_0, 0);                // ICH_AP1R0_EL2
    BH_WRITE_SYSREG(S3_4_C12_C11_0, v3::ich::kHcrEn); // ICH_HCR_EL2
    kernel::arch::isb();
    return lrs;
}

void save(vgic::CpuInterfaceState& s, unsigned lrs) {
    for (unsigned i = 0; i < lrs; ++i)
        s.lr[i] = read_lr(i);
    s.vmcr = static_cast<uint32_t>(BH_READ_SYSREG(S3_4_C12_C11_7)); // ICH_VMCR_EL2
    s.apr0 = static_cast<uint32_t>(BH_READ_SYSREG(S3_4_C12_C8_0));
    s.apr = static_cast<uint32_t>(BH_READ_SYSREG(S3_4_C12_C9_0));
}

void load(const vgic::CpuInterfaceState& s, unsigned lrs) {
    for (unsigned i = 0; i < lrs; ++i)
        write_lr(i, s.lr[i]);
    BH_WRITE_SYSREG(S3_4_C12_C11_7, s.vmcr);
    BH_WRITE_SYSREG(S3_4_C12_C8_0, s.apr0);
    BH_WRITE_SYSREG(S3_4_C12_C9_0, s.apr);
}

uint32_t eoi_status() {
    return static_cast<uint32_t>(BH_READ_SYSREG(S3_4_C12_C11_3)); // ICH_EISR_EL2
}

} // namespace
} // namespace kernel::vgic_ich

namespace kernel::vgic {

const Driver& ich_driver() {
    static constexpr Driver kDriver{.version = 3,
                                    .init = vgic_ich::init,
                                    .save = vgic_ich::save,
                                    .load = vgic_ich::load,
                                    .read_lr = vgic_ich::read_lr,
                                    .write_lr = vgic_ich::write_lr,
                                    .eoi_status = vgic_ich::eoi_status};
    return kDriver;
}

} // namespace kernel::vgic
