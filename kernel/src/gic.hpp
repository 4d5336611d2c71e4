// The physical interrupt controller, owned by the kernel: one interface over GICv2
// (gic_v2.cpp: GICD + GICC frames) and GICv3 (gic_v3.cpp: GICD, a redistributor per
// core, ICC_* system registers), chosen at boot from the board record's GIC version.
// (The hypervisor side, list registers, is vgic_cpu_interface.hpp.)
#pragma once

#include <spec/system_spec.hpp>

#include <cstdint>

namespace kernel::gic {

// One GIC architecture version's driver: gic_v2.cpp and gic_v3.cpp each define one.
struct Driver {
    uint32_t version;
    void (*init)(const spec::Board& board);
    void (*init_this_core)();
    void (*enable)(uint32_t irq, bool edge);
    void (*disable)(uint32_t irq);
    uint32_t (*acknowledge)();
    void (*end_of_interrupt)(uint32_t iar);
    void (*send_sgi)(uint32_t core, uint32_t sgi);
};
[[nodiscard]] const Driver& v2_driver();
[[nodiscard]] const Driver& v3_driver();

// Boot core: picks the driver for board.gic_version (false: none drives it), then sets up
// the distributor (every SPI off, routed to core 0) and its own CPU interface.
[[nodiscard]] bool init(const spec::Board& board);
// The GIC version being driven (2 or 3).
[[nodiscard]] uint32_t version();
// Each secondary core: its CPU interface and its banked SGI/PPI enables.
void init_this_core();
// SPIs: for every core. SGIs and PPIs are banked: for the executing core only.
void enable(uint32_t irq, bool edge);
void disable(uint32_t irq);
// The acknowledged interrupt's word (arm::gicv2::iar_intid gives its INTID on both
// versions: no LPIs are enabled; 1023 = spurious).
uint32_t acknowledge();
void end_of_interrupt(uint32_t iar); // priority drop + deactivate
void send_sgi(uint32_t core, uint32_t sgi);

} // namespace kernel::gic
