// The Arm facts assembly sources need, from the same headers as everything else: compiled
// to assembly only, each BH_ASM_DEFINE leaves a "->NAME value" marker that the build turns
// into `#define NAME value` in arch_asm.h (the way Linux makes asm-offsets.h), so the
// test guests written in assembly carry no register offsets of their own.
#include <arch/gic_v2.hpp>

#define BH_ASM_DEFINE(name, value)                                                                 \
    asm volatile("\n.ascii \"->" #name " %0\"" : : "i"(static_cast<long long>(value)))

extern "C" void bulkhead_arch_asm_values() {
    BH_ASM_DEFINE(GICD_TYPER, arm::gicv2::gicd::kTyper);
    BH_ASM_DEFINE(GICD_IGROUPR, arm::gicv2::gicd::kIgroupr);
    BH_ASM_DEFINE(GICC_CTLR, arm::gicv2::gicc::kCtlr);
    BH_ASM_DEFINE(GICC_PMR, arm::gicv2::gicc::kPmr);
    BH_ASM_DEFINE(GICC_IAR, arm::gicv2::gicc::kIar);
    BH_ASM_DEFINE(GICC_EOIR, arm::gicv2::gicc::kEoir);
    BH_ASM_DEFINE(GICC_IAR_INTID_MASK, arm::gicv2::kIarIntidMask);
    BH_ASM_DEFINE(GICC_CTLR_ENABLE, arm::gicv2::gicc::kCtlrEnable);
}
