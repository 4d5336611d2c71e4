// GICv3 distributor, redistributors and CPU interface (ICC_* system registers): every
// SPI routed to core 0 (GICD_IROUTER) at one priority, everything in Group 1 (one
// security state under QEMU's secure=off and at EL2 here), lines enabled only when the
// spec gives them a handler (or the kernel uses them). SGIs go out through ICC_SGI1R_EL1.
#include "gic.hpp"

#include "console.hpp"
#include "smp.hpp"
#include "sysreg.hpp"

#include <arch/gic_v3.hpp>

namespace kernel::gic_v3 {
namespace {

namespace gicd = arm::gicv3::gicd;
namespace gicr = arm::gicv3::gicr;

constexpr uint32_t kPriority4 = 0xa0a0a0a0u; // the one priority, as gic_v2.cpp gives
constexpr unsigned kRwpSpins = 1u << 20;

uint64_t g_gicd = 0;
uint64_t g_gicr = 0;                   // the first redistributor
uint32_t g_cpu_count = 0;              // redistributors to look through
uint64_t g_rd[smp::kMaxCores] = {};    // each core's RD_base
uint64_t g_mpidr[smp::kMaxCores] = {}; // each core's affinity, for its SGIs

void write32(uint64_t addr, uint32_t v) {
    kernel::arch::mmio_write<uint32_t>(addr, v);
}
uint32_t read32(uint64_t addr) {
    return kernel::arch::mmio_read<uint32_t>(addr);
}

void wait_distributor() {
    for (unsigned i = 0; i < kRwpSpins && (read32(g_gicd + gicd::kCtlr) & gicd::kCtlrRwp) != 0;
         ++i) {
    }
}

uint64_t sgi_frame() {
    return g_rd[smp::this_core()] + gicr::kSgiBase;
}

void init_this_core();
void enable(uint32_t irq, bool edge);

void init(const spec::Board& board) {
    g_gicd = board.gicd;
    g_gicr = board.gicr;
    g_cpu_count = board.cpu_count;
    // Until a core says (init_this_core), its affinity is its index, as smp.cpp starts it.
    for (uint32_t i = 0; i < smp::kMaxCores; ++i)
        g_mpidr[i] = i;
    write32(g_gicd + gicd::kCtlr, 0);
    wait_distributor();
    const uint32_t lines = gicd::typer_lines(read32(g_gicd + gicd::kTyper));
    const uint64_t core0 = arm::gicv3::irouter_of_mpidr(BH_READ_SYSREG(mpidr_el1));
    for (uint32_t i = 32; i < lines; i += 32) {
        write32(g_gicd + gicd::kIcenabler + i / 8, 0xffffffffu);
        write32(g_gicd + gicd::kIcpendr + i / 8, 0xffffffffu);
        write32(g_gicd + gicd::kIgroupr + i / 8, 0xffffffffu);
    }
    for (uint32_t i = 32; i < lines; i += 4)
        write32(g_gicd + gicd::kIpriorityr + i, kPriority4);
    for (uint32_t i = 32; i < lines && i < 1020; ++i) {
        kernel::arch::mmio_write<uint64_t>(g_gicd + gicd::irouter_offset(i), core0);
    }
    wait_distributor();
    write32(g_gicd + gicd::kCtlr, gicd::kCtlrAre | gicd::kCtlrEnableGrp1);
    wait_distributor();
    init_this_core();
}

// This core's redistributor: the one whose GICR_TYPER names this core's affinity.
uint64_t find_redistributor(uint64_t mpidr) {
    const uint32_t affinity = arm::gicv3::affinity_of_mpidr(mpidr);
    uint64_t rd = g_gicr;
    for (uint32_t i = 0; i < g_cpu_count; ++i, rd += gicr::kStride) {
        const uint64_t typer = kernel::arch::mmio_read<uint64_t>(rd + gicr::kTyper);
        if (gicr::typer_affinity(typer) == affinity) return rd;
        if ((typer & gicr::kTyperLast) != 0) break;
    }
    return 0;
}

void init_this_core() {
    const uint32_t here = smp::this_core();
    const uint64_t mpidr = BH_READ_SYSREG(mpidr_el1);
    g_mpidr[here] = mpidr;
    const uint64_t rd = find_redistributor(mpidr);
    g_rd[here] = rd;
    if (rd == 0) {
        // The board record's GICR frames do not hold this core's: say so; nothing here
        // can work without it (no tick, no SGI), so the core's threads never run.
        log() << "gic: core " << Dec{here} << " (MPIDR " << Hex{mpidr}
              << ") has no redistributor in the board's GICR frames; it takes no interrupts\n";
        return;
    }
    // Wake the redistributor, then its SGIs and PPIs: all off, Group 1, one priority.
    write32(rd + gicr::kWaker, read32(rd + gicr::kWaker) & ~gicr::kWakerProcessorSleep);
    for (unsigned i = 0; i < kRwpSpins && (read32(rd + gicr::kWaker) & gicr::kWakerChildrenAsleep);
         ++i) {
    }
    const uint64_t sgi = rd + gicr::kSgiBase;
    write32(sgi + gicr::kIcenabler0, 0xffffffffu);
    write32(sgi + gicr::kIcpendr0, 0xffffffffu);
    write32(sgi + gicr::kIgroupr0, 0xffffffffu);
    for (uint32_t i = 0; i < arm::gicv3::kPrivateCount; i += 4)
        write32(sgi + gicr::kIpriorityr + i, kPriority4);
    // The CPU interface through system registers (EL1 may use its own: the guests).
    BH_WRITE_SYSREG(S3_4_C12_C9_5, arm::gicv3::kSreSre | arm::gicv3::kSreEnable); // ICC_SRE_EL2
    kernel::arch::isb();
    BH_WRITE_SYSREG(S3_0_C4_C6_0, 0xff); // ICC_PMR_EL1: every priority
    BH_WRITE_SYSREG(S3_0_C12_C12_3, 0);  // ICC_BPR1_EL1
    BH_WRITE_SYSREG(S3_0_C12_C12_4, 0);  // ICC_CTLR_EL1: EOImode 0 (EOI also deactivates)
    BH_WRITE_SYSREG(S3_0_C12_C12_7, 1);  // ICC_IGRPEN1_EL1
    kernel::arch::isb();
    enable(smp::kRescheduleSgi, true);
}

void enable(uint32_t irq, bool edge) {
    if (irq < arm::gicv3::kPrivateCount) {
        if (g_rd[smp::this_core()] == 0) return;
        write32(sgi_frame() + gicr::kIsenabler0, 1u << irq);
        return;
    }
    const uint64_t reg = g_gicd + gicd::icfgr_offset(irq);
    const uint32_t bit = gicd::icfgr_edge_bit(irq);
    const uint32_t cfg = read32(reg);
    write32(reg, edge ? (cfg | bit) : (cfg & ~bit));
    write32(g_gicd + gicd::kIsenabler + uint64_t{irq / 32} * 4, 1u << (irq % 32));
}

void disable(uint32_t irq) {
    if (irq < arm::gicv3::kPrivateCount) {
        if (g_rd[smp::this_core()] != 0) write32(sgi_frame() + gicr::kIcenabler0, 1u << irq);
        return;
    }
    write32(g_gicd + gicd::kIcenabler + uint64_t{irq / 32} * 4, 1u << (irq % 32));
}

uint32_t acknowledge() {
    return static_cast<uint32_t>(BH_READ_SYSREG(S3_0_C12_C12_0)); // ICC_IAR1_EL1
}

void end_of_interrupt(uint32_t iar) {
    BH_WRITE_SYSREG(S3_0_C12_C12_1, iar); // ICC_EOIR1_EL1
}

void send_sgi(uint32_t core, uint32_t sgi) {
    // The lock's release is visible before the SGI arrives (the system register write
    // is not ordered by the barrier a memory-mapped one would be).
    kernel::arch::dsb_ishst();
    BH_WRITE_SYSREG(S3_0_C12_C11_5, arm::gicv3::Sgi1r::to_mpidr(g_mpidr[core], sgi).encode());
    kernel::arch::isb();
}

} // namespace
} // namespace kernel::gic_v3

namespace kernel::gic {

const Driver& v3_driver() {
    static constexpr Driver kDriver{.version = 3,
                                    .init = gic_v3::init,
                                    .init_this_core = gic_v3::init_this_core,
                                    .enable = gic_v3::enable,
                                    .disable = gic_v3::disable,
                                    .acknowledge = gic_v3::acknowledge,
                                    .end_of_interrupt = gic_v3::end_of_interrupt,
                                    .send_sgi = gic_v3::send_sgi};
    return kDriver;
}

} // namespace kernel::gic
