// The EL2 physical timer (CNTHP): the kernel's preemption tick, running only while the
// core has something for it to do (see set_needed).
#pragma once

#include <cstdint>

namespace kernel::hyp_timer {

// The executing core's tick, stopped until the first switch decides (set_needed).
void start(uint32_t timeslice_us);
// The tick's interrupt: the next one a timeslice from now; counted.
void on_tick();
// What the executing core needs its tick for, for the thread about to run. `periodic`:
// to share the core among threads of one priority (round robin) and to poll the timers
// of WFI-blocked vCPUs that are not loaded (vcpu::tick); the tick keeps its period.
// `watchdog` (the thread is a vCPU whose timer interrupt the kernel has masked until
// the guest's EOI, which the kernel only sees at an exit): one tick a timeslice after
// this switch unless another exit comes first. Neither: no tick. A core running one
// thread alone at its priority, or idle, is left alone: each tick is an exit of the
// guest running there, and an idle core woken 200 times a second competes (under QEMU,
// on a host with fewer CPUs than the board has cores) for the host CPU with the core
// doing the work, and spins on the kernel lock while that core holds it.
void set_needed(bool periodic, bool watchdog);
// Ticks core `core` has taken since it started (system_off logs them): a core without
// threads takes none.
[[nodiscard]] uint64_t taken(uint32_t core);
[[nodiscard]] bool started(uint32_t core);

} // namespace kernel::hyp_timer
