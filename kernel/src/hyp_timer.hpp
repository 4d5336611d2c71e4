// The EL2 physical timer (CNTHP): the kernel's preemption tick.
#pragma once

#include <cstdint>

namespace kernel::hyp_timer {

void start(uint32_t timeslice_us);
void rearm();

} // namespace kernel::hyp_timer
