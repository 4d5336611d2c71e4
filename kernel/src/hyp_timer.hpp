// The EL2 physical timer (CNTHP): the kernel's preemption tick. A core that is idle with
// nothing a tick could preempt or wake pauses its tick; the next interrupt it takes (the
// reschedule SGI that brings it a thread, a device's) resumes it (exception_entry.cpp).
#pragma once

#include <cstdint>

namespace kernel::hyp_timer {

void start(uint32_t timeslice_us);
void rearm();
// This core's tick off until resume(). Idle cores under QEMU otherwise woke every 5 ms
// only to spin for the kernel lock while the busy core's host thread was descheduled
// (bench/net's echo benchmark: three idle cores took ~40% of the one host CPU).
void pause();
// If this core's tick is paused: on again, a full timeslice from now. Cheap otherwise.
void resume();

} // namespace kernel::hyp_timer
