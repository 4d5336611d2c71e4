// GICv2 register maps: the distributor (GICD), the CPU interface (GICC, and the GICV frame
// a guest sees at its GICC), and the hypervisor control frame (GICH), with the few field
// layouts the kernel and the vGIC share. Arm IHI 0048B: 4.1.2, 4.1.3, 5.3.
#pragma once

#include <cstdint>

namespace arm::gicv2 {

inline constexpr unsigned kSgiCount = 16;     // INTIDs 0..15
inline constexpr unsigned kPrivateCount = 32; // SGIs and PPIs, banked per CPU
inline constexpr unsigned kMaxIntids = 1020;  // 1020..1023 are special
inline constexpr unsigned kMaxCpus = 8;       // CPU target bits
inline constexpr uint32_t kSpuriousIntid = 1023;
// What GICC_IAR answers when the highest pending interrupt is Group 1 while the read was
// Group 0's: it is acknowledged through GICC_AIAR (and ended through GICC_AEOIR) instead.
inline constexpr uint32_t kGroup1PendingIntid = 1022;

// GICC_IAR / GICC_EOIR: the INTID in [9:0] (the SGI source CPU is in [12:10]).
inline constexpr uint32_t kIarIntidMask = 0x3ff;
constexpr uint32_t iar_intid(uint32_t iar) {
    return iar & kIarIntidMask;
}

namespace gicd {
inline constexpr uint64_t kFrameSize = 0x1000;
enum Offset : uint64_t {
    kCtlr = 0x000,
    kTyper = 0x004,
    kIidr = 0x008,
    kIgroupr = 0x080,
    kIsenabler = 0x100,
    kIcenabler = 0x180,
    kIspendr = 0x200,
    kIcpendr = 0x280,
    kIsactiver = 0x300,
    kIcactiver = 0x380,
    kIpriorityr = 0x400,
    kItargetsr = 0x800,
    kIcfgr = 0xc00,
    kSgir = 0xf00,
    kCpendsgir = 0xf10,
    kSpendsgir = 0xf20,
    kPidr4 = 0xfd0, // ID registers PIDR4..7, PIDR0..3, CIDR0..3 to the end of the frame
};
inline constexpr uint32_t kCtlrEnable = 1;

// TYPER: ITLinesNumber [4:0] = lines / 32 - 1, CPUNumber [7:5] = CPUs - 1.
constexpr uint32_t typer_lines(uint32_t typer) {
    return 32 * ((typer & 0x1f) + 1);
}
constexpr uint32_t make_typer(unsigned lines, unsigned cpus) {
    return ((lines / 32 - 1) & 0x1f) | (((cpus - 1) & 7) << 5);
}

// ICFGR: two bits per INTID, sixteen per word; the upper one of a pair = edge-triggered.
constexpr uint64_t icfgr_offset(unsigned intid) {
    return kIcfgr + uint64_t{intid / 16} * 4;
}
constexpr uint32_t icfgr_edge_bit(unsigned intid) {
    return uint32_t{1} << (intid % 16 * 2 + 1);
}

// SGIR: TargetListFilter [25:24], CPUTargetList [23:16], SGIINTID [3:0].
enum class SgiFilter : uint8_t { TargetList = 0, AllButSelf = 1, SelfOnly = 2, Reserved = 3 };
constexpr SgiFilter sgir_filter(uint32_t sgir) {
    return static_cast<SgiFilter>((sgir >> 24) & 3);
}
constexpr unsigned sgir_targets(uint32_t sgir) {
    return (sgir >> 16) & 0xff;
}
constexpr unsigned sgir_intid(uint32_t sgir) {
    return sgir & 0xf;
}
} // namespace gicd

// GICC; a GICV frame has the same layout (the guest drives it as its GICC).
namespace gicc {
// Two pages: GICC_DIR (GICV_DIR in the guest's copy) is the first word of the second.
inline constexpr uint64_t kFrameSize = 0x2000;
enum Offset : uint64_t {
    kCtlr = 0x000,
    kPmr = 0x004,
    kIar = 0x00c,
    kEoir = 0x010,
    kAiar = 0x020, // the aliased, Group 1 IAR and EOIR
    kAeoir = 0x024,
};
inline constexpr uint32_t kCtlrEnable = 1;
} // namespace gicc

namespace gich {
enum Offset : uint64_t {
    kHcr = 0x000,
    kVtr = 0x004,
    kVmcr = 0x008,
    kEisr0 = 0x020, // list registers 0..31 whose interrupt was EOId with the EOI bit
    kApr = 0x0f0,
    kLr0 = 0x100,
};
inline constexpr uint32_t kHcrEn = 1; // virtual CPU interface on
constexpr uint64_t lr_offset(unsigned index) {
    return kLr0 + 4 * uint64_t{index};
}
// VTR.ListRegs [5:0]: implemented list registers - 1.
constexpr unsigned vtr_list_registers(uint32_t vtr) {
    return (vtr & 0x3f) + 1;
}
} // namespace gich

} // namespace arm::gicv2
