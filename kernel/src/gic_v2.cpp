// GICv2 distributor + CPU interfaces: every SPI routed to core 0 at one priority,
// lines enabled only when the spec gives them a handler (or the kernel uses them).
// A handler's notification wakes threads on other cores with the reschedule SGI.
#include "gic_v2.hpp"

#include "smp.hpp"
#include "sysreg.hpp"

#include <arch/gic_v2.hpp>

namespace kernel::gic {
namespace {

namespace gicd = arm::gicv2::gicd;
namespace gicc = arm::gicv2::gicc;

uint64_t g_gicd = 0;
uint64_t g_gicc = 0;

void write32(uint64_t base, uint64_t off, uint32_t v) {
    arch::mmio_write<uint32_t>(base + off, v);
}
uint32_t read32(uint64_t base, uint64_t off) {
    return arch::mmio_read<uint32_t>(base + off);
}

} // namespace

void init(uint64_t gicd_base, uint64_t gicc_base) {
    g_gicd = gicd_base;
    g_gicc = gicc_base;
    write32(g_gicd, gicd::kCtlr, 0);
    const uint32_t lines = gicd::typer_lines(read32(g_gicd, gicd::kTyper));
    for (uint32_t i = 0; i < lines; i += 32) {
        write32(g_gicd, gicd::kIcenabler + i / 8, 0xffffffffu);
        write32(g_gicd, gicd::kIcpendr + i / 8, 0xffffffffu);
    }
    for (uint32_t i = 0; i < lines; i += 4)
        write32(g_gicd, gicd::kIpriorityr + i, 0xa0a0a0a0u);
    for (uint32_t i = 32; i < lines; i += 4)
        write32(g_gicd, gicd::kItargetsr + i, 0x01010101u);
    write32(g_gicd, gicd::kCtlr, gicd::kCtlrEnable);
    init_this_core();
}

void init_this_core() {
    // SGI/PPI priorities and enables are banked per core: set this core's.
    for (uint32_t i = 0; i < arm::gicv2::kPrivateCount; i += 4)
        write32(g_gicd, gicd::kIpriorityr + i, 0xa0a0a0a0u);
    write32(g_gicc, gicc::kPmr, 0xff);
    write32(g_gicc, gicc::kCtlr, gicc::kCtlrEnable);
    enable(smp::kRescheduleSgi, true);
}

void enable(uint32_t irq, bool edge) {
    if (irq >= 32) {
        const uint64_t reg = gicd::icfgr_offset(irq);
        const uint32_t bit = gicd::icfgr_edge_bit(irq);
        uint32_t cfg = read32(g_gicd, reg);
        cfg = edge ? (cfg | bit) : (cfg & ~bit);
        write32(g_gicd, reg, cfg);
    }
    write32(g_gicd, gicd::kIsenabler + uint64_t{irq / 32} * 4, 1u << (irq % 32));
}

void disable(uint32_t irq) {
    write32(g_gicd, gicd::kIcenabler + uint64_t{irq / 32} * 4, 1u << (irq % 32));
}

uint32_t acknowledge() {
    return read32(g_gicc, gicc::kIar);
}

void end_of_interrupt(uint32_t iar) {
    write32(g_gicc, gicc::kEoir, iar);
}

void send_sgi(uint32_t core, uint32_t sgi) {
    arch::dsb_ishst(); // the lock's release is visible before the SGI arrives
    write32(g_gicd, gicd::kSgir, (1u << (16 + core)) | sgi);
}

} // namespace kernel::gic
