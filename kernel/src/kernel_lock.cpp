// Test-and-test-and-set lock, one word, LL/SC only (ARMv8.0 has no LSE atomics). Not a
// ticket lock: a ticket lock hands the lock to one particular waiter, and when that core is
// not running (a board emulated on fewer host CPUs than it has cores: QEMU's cores are host
// threads, and YIELD/WFE do not give the host CPU up) every other core spins until the host
// runs it again; docs/ARCHITECTURE.md, "SMP".
#include "kernel_lock.hpp"

namespace kernel::kernel_lock {
namespace {

struct alignas(64) SpinLock {
    uint32_t held = 0; // 1 while a core is in the kernel
};

SpinLock g_lock;

} // namespace

void acquire() {
    for (;;) {
        // Wait reading only, so the waiters do not take the line from the holder.
        while (__atomic_load_n(&g_lock.held, __ATOMIC_RELAXED) != 0)
            asm volatile("yield" ::: "memory");
        uint32_t old;
        uint32_t failed;
        asm volatile("   ldaxr %w0, [%2]\n"
                     "   mov %w1, #1\n"
                     "   cbnz %w0, 1f\n"
                     "   stxr %w1, %w3, [%2]\n"
                     "   b 2f\n"
                     "1: clrex\n"
                     "2:\n"
                     : "=&r"(old), "=&r"(failed)
                     : "r"(&g_lock.held), "r"(1u)
                     : "memory");
        if (failed == 0) return; // took it: ldaxr's acquire orders what follows
    }
}

void release() {
    __atomic_store_n(&g_lock.held, 0u, __ATOMIC_RELEASE);
}

} // namespace kernel::kernel_lock
