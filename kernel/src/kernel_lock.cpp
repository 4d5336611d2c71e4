// Test-and-test-and-set lock, one word, LL/SC only (ARMv8.0 has no LSE atomics). Not a
// ticket lock: a ticket lock hands the lock to one particular waiter, and when that core is
// not running (a board emulated on fewer host CPUs than it has cores: QEMU's cores are host
// threads, and YIELD/WFE do not give the host CPU up) every other core spins until the host
// runs it again; docs/ARCHITECTURE.md, "SMP".
#include "kernel_lock.hpp"

namespace kernel::kernel_lock {

void acquire_slow() {
    for (;;) {
        asm volatile("clrex" ::: "memory"); // the failed attempt's monitor: not ours to keep
        // Wait reading only, so the waiters do not take the line from the holder.
        while (__atomic_load_n(&the_lock().held, __ATOMIC_RELAXED) != 0)
            asm volatile("yield" ::: "memory");
        if (try_take()) return;
    }
}

} // namespace kernel::kernel_lock
