// The EL2 physical timer (CNTHP): the kernel's preemption tick, running only while the
// core has something for it to do (tick_policy.hpp decides what).
#pragma once

#include "tick_policy.hpp"

#include <cstdint>

namespace kernel::hyp_timer {

// The executing core's tick, off until the first switch decides (set).
void start(uint32_t timeslice_us);
// The tick's interrupt: the next one a timeslice from now (the switch that follows
// decides whether there is one); counted.
void on_tick();
// The executing core's tick as the thread about to run needs it (tick::mode_for); one no
// longer needed stops at its next tick (tick::program).
void set(tick::Mode want);
// Ticks core `core` has taken since it started (system_off logs them): a core whose
// threads never share it or wait for a polled timer takes none.
[[nodiscard]] uint64_t taken(uint32_t core);
[[nodiscard]] bool started(uint32_t core);

} // namespace kernel::hyp_timer
