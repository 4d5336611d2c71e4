// Cores: which one is executing, bringing the others up (PSCI CPU_ON through SMC),
// and the reschedule SGI one core sends another after changing its run queue.
// The portable core (scheduler) only uses this_core() and kick(); host tests fake them.
#pragma once

#include <cstdint>

namespace kernel::smp {

// Cores the kernel supports: the GICv2 target list has eight bits.
inline constexpr uint32_t kMaxCores = 8;
// The SGI that asks a core to run its scheduler again.
inline constexpr uint32_t kRescheduleSgi = 0;

// The executing core's index (0 = the boot core). Read from the thread TPIDR_EL2
// points at: every thread, and each core's idle thread, is pinned to one core.
[[nodiscard]] uint32_t this_core();
// Makes `core` enter the kernel and choose again (no-op for the executing core). The
// SGI goes out in send_kicks(), after the kernel lock is released: sent at once, the
// other core would only spin on the lock until then.
void kick(uint32_t core);
// On the way out of the kernel, lock released: the SGIs kick() asked for.
void send_kicks();

// Boot core: starts the cores of `wanted` (bit i: core i; spec/core_use.hpp) among 1..count-1
// at their secondary entry and waits (at most about a second) until each has said it is
// online, so that no thread's output is cut by a core's boot line; then lets them all
// schedule. The others stay off, said in one line. A core PSCI refuses is logged and
// left off (its threads never run).
void start_secondaries(uint32_t count, uint32_t wanted);
// A secondary core, set up: says so (under the kernel lock) and waits until the boot
// core lets every core schedule.
void core_online(uint32_t index);

} // namespace kernel::smp
