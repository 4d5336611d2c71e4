// The physical GICv2: distributor and CPU interface, owned by the kernel.
// (The hypervisor interface GICH and list registers come with vCPUs.)
#pragma once

#include <cstdint>

namespace kernel::gic {

void init(uint64_t gicd, uint64_t gicc);
void enable(uint32_t irq, bool edge);
void disable(uint32_t irq);
uint32_t acknowledge();              // GICC_IAR (arm::gicv2::iar_intid; 1023 = spurious)
void end_of_interrupt(uint32_t iar); // priority drop + deactivate

} // namespace kernel::gic
