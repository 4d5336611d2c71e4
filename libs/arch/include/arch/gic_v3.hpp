// GICv3 register maps: the distributor (GICD), the redistributors (GICR: RD_base and
// SGI_base frames per CPU), the CPU interface and hypervisor system registers (ICC_*,
// ICH_*) with the fields the kernel and the vGICv3 share, and the list-register word.
// Arm IHI 0069H: 12.8 (GICD), 12.10/12.11 (GICR), 12.2 (ICC), 12.4 (ICH).
#pragma once

#include <arch/gic_v2.hpp>
#include <arch/list_register.hpp>

#include <cstdint>

namespace arm::gicv3 {

inline constexpr unsigned kSgiCount = 16;     // INTIDs 0..15
inline constexpr unsigned kPrivateCount = 32; // SGIs and PPIs, in each redistributor
inline constexpr uint32_t kSpuriousIntid = 1023;

// The affinity of a CPU as MPIDR_EL1 gives it (Aff3 [39:32], Aff2..Aff0 [23:0]), packed
// as GICR_TYPER.Affinity_Value and GICD_IROUTER lay it out.
constexpr uint32_t affinity_of_mpidr(uint64_t mpidr) {
    return static_cast<uint32_t>(((mpidr >> 8) & 0xff000000u) | (mpidr & 0xffffffu));
}
constexpr uint64_t irouter_of_mpidr(uint64_t mpidr) {
    return mpidr & 0xff00ffffffull; // Aff3 [39:32], Aff2..0 [23:0], IRM = 0
}

namespace gicd {
inline constexpr uint64_t kFrameSize = 0x10000;
enum Offset : uint64_t {
    kCtlr = 0x0000,
    kTyper = 0x0004,
    kIidr = 0x0008,
    kTyper2 = 0x000c,
    kIgroupr = 0x0080,
    kIsenabler = 0x0100,
    kIcenabler = 0x0180,
    kIspendr = 0x0200,
    kIcpendr = 0x0280,
    kIsactiver = 0x0300,
    kIcactiver = 0x0380,
    kIpriorityr = 0x0400,
    kIcfgr = 0x0c00,
    kIgrpmodr = 0x0d00,
    kIrouter = 0x6000, // 64 bits per INTID; SPIs only (INTIDs 32..1019)
    kIrouterEnd = 0x7fe0,
    kPidr2 = 0xffe8, // ArchRev [7:4]
};
// CTLR with one security state (DS = 1): the layout the kernel and the vGIC use.
inline constexpr uint32_t kCtlrEnableGrp0 = 1u << 0;
inline constexpr uint32_t kCtlrEnableGrp1 = 1u << 1;
inline constexpr uint32_t kCtlrAre = 1u << 4; // affinity routing (IROUTER, ICC_SGI1R)
inline constexpr uint32_t kCtlrDs = 1u << 6;  // security disabled
inline constexpr uint32_t kCtlrRwp = 1u << 31;
inline constexpr uint64_t kIrouterIrm = 1ull << 31; // any participating CPU

// ICFGR: the GICv2 layout (two bits per INTID, the upper one = edge-triggered).
using gicv2::gicd::icfgr_edge_bit;
using gicv2::gicd::icfgr_offset;

constexpr uint64_t irouter_offset(unsigned intid) {
    return kIrouter + 8 * uint64_t{intid};
}
// TYPER: ITLinesNumber [4:0] = lines / 32 - 1, IDbits [23:19] = INTID bits - 1 (10 for
// INTIDs below 1024), no LPIs, no message-based SPIs, no security extension.
constexpr uint32_t make_typer(unsigned lines) {
    return ((lines / 32 - 1) & 0x1f) | (9u << 19);
}
constexpr uint32_t typer_lines(uint32_t typer) {
    return 32 * ((typer & 0x1f) + 1);
}
} // namespace gicd

// Both GICD_PIDR2 and GICR_PIDR2: ArchRev [7:4].
inline constexpr uint32_t kPidr2ArchRev3 = 0x3b; // ArchRev 3, JEP106 bits of Arm
constexpr unsigned pidr2_arch_rev(uint32_t pidr2) {
    return (pidr2 >> 4) & 0xf;
}

namespace gicr {
// One redistributor: RD_base (control) then SGI_base (SGIs and PPIs), 64 KiB each.
inline constexpr uint64_t kRdFrameSize = 0x10000;
inline constexpr uint64_t kSgiBase = 0x10000;
inline constexpr uint64_t kStride = 2 * kRdFrameSize;
enum Offset : uint64_t {
    kCtlr = 0x0000,
    kIidr = 0x0004,
    kTyper = 0x0008, // 64 bits
    kStatusr = 0x0010,
    kWaker = 0x0014,
    kPropbaser = 0x0070,
    kPendbaser = 0x0078,
    kPidr2 = 0xffe8,
};
// In the SGI_base frame, at the distributor's offsets for INTIDs 0..31.
enum SgiOffset : uint64_t {
    kIgroupr0 = 0x0080,
    kIsenabler0 = 0x0100,
    kIcenabler0 = 0x0180,
    kIspendr0 = 0x0200,
    kIcpendr0 = 0x0280,
    kIsactiver0 = 0x0300,
    kIcactiver0 = 0x0380,
    kIpriorityr = 0x0400, // 0x400..0x41f: one byte per INTID
    kIcfgr0 = 0x0c00,     // SGIs (read-only, edge)
    kIcfgr1 = 0x0c04,     // PPIs
    kIgrpmodr0 = 0x0d00,
    kNsacr = 0x0e00,
};
inline constexpr uint32_t kWakerProcessorSleep = 1u << 1;
inline constexpr uint32_t kWakerChildrenAsleep = 1u << 2;
inline constexpr uint64_t kTyperLast = 1u << 4;
// TYPER: Processor_Number [23:8], Last [4], Affinity_Value [63:32]; no (virtual) LPIs.
constexpr uint64_t make_typer(uint32_t affinity, unsigned processor, bool last) {
    return (uint64_t{affinity} << 32) | (uint64_t{processor & 0xffffu} << 8) |
           (last ? kTyperLast : 0);
}
constexpr uint32_t typer_affinity(uint64_t typer) {
    return static_cast<uint32_t>(typer >> 32);
}
} // namespace gicr

// ICC_SGI1R_EL1 (12.2.23): TargetList [15:0] (Aff0 values RS*16 + n), Aff1 [23:16],
// INTID [27:24], Aff2 [39:32], IRM [40] (all but self), RS [47:44], Aff3 [55:48].
struct Sgi1r {
    uint16_t target_list = 0;
    uint8_t aff1 = 0, aff2 = 0, aff3 = 0;
    uint8_t intid = 0;
    bool all_but_self = false;
    uint8_t range_selector = 0;

    [[nodiscard]] static constexpr Sgi1r decode(uint64_t v) {
        Sgi1r s;
        s.target_list = static_cast<uint16_t>(v & 0xffff);
        s.aff1 = static_cast<uint8_t>((v >> 16) & 0xff);
        s.intid = static_cast<uint8_t>((v >> 24) & 0xf);
        s.aff2 = static_cast<uint8_t>((v >> 32) & 0xff);
        s.all_but_self = ((v >> 40) & 1) != 0;
        s.range_selector = static_cast<uint8_t>((v >> 44) & 0xf);
        s.aff3 = static_cast<uint8_t>((v >> 48) & 0xff);
        return s;
    }
    [[nodiscard]] constexpr uint64_t encode() const {
        return uint64_t{target_list} | (uint64_t{aff1} << 16) | (uint64_t{intid & 0xfu} << 24) |
               (uint64_t{aff2} << 32) | (all_but_self ? (1ull << 40) : 0) |
               (uint64_t{range_selector & 0xfu} << 44) | (uint64_t{aff3} << 48);
    }
    // The SGI to the CPU of `mpidr` alone.
    [[nodiscard]] static constexpr Sgi1r to_mpidr(uint64_t mpidr, unsigned intid) {
        Sgi1r s;
        const unsigned aff0 = mpidr & 0xff;
        s.target_list = static_cast<uint16_t>(1u << (aff0 % 16));
        s.range_selector = static_cast<uint8_t>(aff0 / 16);
        s.aff1 = static_cast<uint8_t>((mpidr >> 8) & 0xff);
        s.aff2 = static_cast<uint8_t>((mpidr >> 16) & 0xff);
        s.aff3 = static_cast<uint8_t>((mpidr >> 32) & 0xff);
        s.intid = static_cast<uint8_t>(intid);
        return s;
    }
    constexpr bool operator==(const Sgi1r&) const = default;
};

// System register encodings (op0, op1, CRn, CRm, op2), as ESR_EL2 reports a trapped one.
struct SysRegId {
    uint8_t op0, op1, crn, crm, op2;
    constexpr bool operator==(const SysRegId&) const = default;
};
inline constexpr SysRegId kIccSgi1rEl1{3, 0, 12, 11, 5};
inline constexpr SysRegId kIccAsgi1rEl1{3, 0, 12, 11, 6};
inline constexpr SysRegId kIccSgi0rEl1{3, 0, 12, 11, 7};

// ICC_SRE_EL2: SRE [0] (system register interface), Enable [3] (EL1 may use ICC_SRE_EL1).
inline constexpr uint64_t kSreSre = 1u << 0;
inline constexpr uint64_t kSreEnable = 1u << 3;

namespace ich {
inline constexpr uint64_t kHcrEn = 1u << 0;
// ICH_VTR_EL2.ListRegs [4:0]: implemented list registers - 1.
constexpr unsigned vtr_list_registers(uint64_t vtr) {
    return static_cast<unsigned>(vtr & 0x1f) + 1;
}
inline constexpr unsigned kMaxListRegisters = 16;
} // namespace ich

// ICH_LR<n>_EL2 (12.4.6): vINTID [31:0], pINTID [44:32] (HW = 1) or EOI [41] (HW = 0),
// Priority [55:48], Group [60], HW [61], State [63:62].
namespace lr {
inline constexpr uint64_t kVintidMask = 0xffffffffull;
inline constexpr unsigned kPintidShift = 32;
inline constexpr uint64_t kPintidMask = 0x1fffull;
inline constexpr uint64_t kEoi = 1ull << 41;
inline constexpr unsigned kPriorityShift = 48;
inline constexpr uint64_t kGroup1 = 1ull << 60;
inline constexpr uint64_t kHw = 1ull << 61;
inline constexpr unsigned kStateShift = 62;
} // namespace lr

// The ICH_LR word of a list register the kernel ABI carries as a GICH_LR word
// (arm::gicv2::ListRegister): the same meaning in the GICv3 layout. An SGI's source CPU
// has no place in it (GICv3 SGIs do not name their sender to the guest).
constexpr uint64_t lr_from_v2(const gicv2::ListRegister& r) {
    const uint64_t source = r.hw ? (uint64_t{r.physical_id} & lr::kPintidMask) << lr::kPintidShift
                                 : (r.eoi_maintenance ? lr::kEoi : 0);
    return (uint64_t(r.state) << lr::kStateShift) | (r.hw ? lr::kHw : 0) |
           (r.group1 ? lr::kGroup1 : 0) | (uint64_t{r.priority} << lr::kPriorityShift) | source |
           (uint64_t{r.virq} & lr::kVintidMask);
}
constexpr gicv2::ListRegister lr_to_v2(uint64_t word) {
    gicv2::ListRegister r;
    r.virq = static_cast<uint16_t>(word & gicv2::lr::kVirtualIdMask);
    r.state = static_cast<gicv2::ListRegister::State>((word >> lr::kStateShift) & 3);
    r.priority = static_cast<uint8_t>(((word >> lr::kPriorityShift) & 0xff) & 0xf8);
    r.group1 = (word & lr::kGroup1) != 0;
    r.hw = (word & lr::kHw) != 0;
    if (r.hw) {
        r.physical_id = static_cast<uint16_t>((word >> lr::kPintidShift) & 0x3ff);
    } else {
        r.eoi_maintenance = (word & lr::kEoi) != 0;
    }
    return r;
}

} // namespace arm::gicv3
