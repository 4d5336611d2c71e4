// The physical GICv2: distributor and CPU interfaces, owned by the kernel.
// (The hypervisor interface GICH and list registers come with vCPUs.)
#pragma once

#include <cstdint>

namespace kernel::gic {

// Boot core: the distributor (every SPI off, routed to core 0), then its own CPU interface.
void init(uint64_t gicd, uint64_t gicc);
// Each secondary core: its CPU interface and its banked SGI/PPI enables.
void init_this_core();
// SPIs: for every core. SGIs and PPIs are banked: for the executing core only.
void enable(uint32_t irq, bool edge);
void disable(uint32_t irq);
uint32_t acknowledge();              // GICC_IAR (arm::gicv2::iar_intid; 1023 = spurious)
void end_of_interrupt(uint32_t iar); // priority drop + deactivate
void send_sgi(uint32_t core, uint32_t sgi);

} // namespace kernel::gic
