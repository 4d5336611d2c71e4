// GICv2 distributor + CPU interface: every SPI routed to core 0 at one priority,
// lines enabled only when the spec gives them a handler (or the kernel uses them).
#include "gic_v2.hpp"

#include "sysreg.hpp"

namespace kernel::gic {
namespace {

constexpr uint64_t GICD_CTLR = 0x000;
constexpr uint64_t GICD_TYPER = 0x004;
constexpr uint64_t GICD_ISENABLER = 0x100;
constexpr uint64_t GICD_ICENABLER = 0x180;
constexpr uint64_t GICD_ICPENDR = 0x280;
constexpr uint64_t GICD_IPRIORITYR = 0x400;
constexpr uint64_t GICD_ITARGETSR = 0x800;
constexpr uint64_t GICD_ICFGR = 0xC00;
constexpr uint64_t GICC_CTLR = 0x000;
constexpr uint64_t GICC_PMR = 0x004;
constexpr uint64_t GICC_IAR = 0x00C;
constexpr uint64_t GICC_EOIR = 0x010;

uint64_t g_gicd = 0;
uint64_t g_gicc = 0;

void write32(uint64_t base, uint64_t off, uint32_t v) {
    arch::mmio_write<uint32_t>(base + off, v);
}
uint32_t read32(uint64_t base, uint64_t off) {
    return arch::mmio_read<uint32_t>(base + off);
}

} // namespace

void init(uint64_t gicd, uint64_t gicc) {
    g_gicd = gicd;
    g_gicc = gicc;
    write32(g_gicd, GICD_CTLR, 0);
    const uint32_t lines = 32 * ((read32(g_gicd, GICD_TYPER) & 0x1f) + 1);
    for (uint32_t i = 0; i < lines; i += 32) {
        write32(g_gicd, GICD_ICENABLER + i / 8, 0xffffffffu);
        write32(g_gicd, GICD_ICPENDR + i / 8, 0xffffffffu);
    }
    for (uint32_t i = 0; i < lines; i += 4)
        write32(g_gicd, GICD_IPRIORITYR + i, 0xa0a0a0a0u);
    for (uint32_t i = 32; i < lines; i += 4)
        write32(g_gicd, GICD_ITARGETSR + i, 0x01010101u);
    write32(g_gicd, GICD_CTLR, 1);
    write32(g_gicc, GICC_PMR, 0xff);
    write32(g_gicc, GICC_CTLR, 1);
}

void enable(uint32_t irq, bool edge) {
    if (irq >= 32) {
        const uint64_t reg = GICD_ICFGR + (irq / 16) * 4;
        const uint32_t shift = (irq % 16) * 2 + 1;
        uint32_t cfg = read32(g_gicd, reg);
        cfg = edge ? (cfg | (1u << shift)) : (cfg & ~(1u << shift));
        write32(g_gicd, reg, cfg);
    }
    write32(g_gicd, GICD_ISENABLER + (irq / 32) * 4, 1u << (irq % 32));
}

void disable(uint32_t irq) {
    write32(g_gicd, GICD_ICENABLER + (irq / 32) * 4, 1u << (irq % 32));
}

uint32_t acknowledge() {
    return read32(g_gicc, GICC_IAR);
}

void end_of_interrupt(uint32_t iar) {
    write32(g_gicc, GICC_EOIR, iar);
}

} // namespace kernel::gic
