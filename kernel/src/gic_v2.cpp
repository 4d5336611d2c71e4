// GICv2 distributor + CPU interfaces: every SPI routed to core 0 at one priority,
// lines enabled only when the spec gives them a handler (or the kernel uses them).
// A handler's notification wakes threads on other cores with the reschedule SGI.
#include "gic.hpp"

#include "smp.hpp"
#include "sysreg.hpp"

#include <arch/gic_v2.hpp>

namespace kernel::gic_v2 {
namespace {

namespace gicd = arm::gicv2::gicd;
namespace gicc = arm::gicv2::gicc;

uint64_t g_gicd = 0;
uint64_t g_gicc = 0;

void write32(uint64_t base, uint64_t off, uint32_t v) {
    kernel::arch::mmio_write<uint32_t>(base + off, v);
}
uint32_t read32(uint64_t base, uint64_t off) {
    return kernel::arch::mmio_read<uint32_t>(base + off);
}

void init_this_core();
void enable(uint32_t irq, bool edge);

void init(const spec::Board& board) {
    g_gicd = board.gicd;
    g_gicc = board.gicc;
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
    kernel::arch::dsb_ishst(); // the lock's release is visible before the SGI arrives
    write32(g_gicd, gicd::kSgir, (1u << (16 + core)) | sgi);
}

} // namespace
} // namespace kernel::gic_v2

namespace kernel::gic {

const Driver& v2_driver() {
    static constexpr Driver kDriver{.version = 2,
                                    .init = gic_v2::init,
                                    .init_this_core = gic_v2::init_this_core,
                                    .enable = gic_v2::enable,
                                    .disable = gic_v2::disable,
                                    .acknowledge = gic_v2::acknowledge,
                                    .end_of_interrupt = gic_v2::end_of_interrupt,
                                    .send_sgi = gic_v2::send_sgi};
    return kDriver;
}

} // namespace kernel::gic
