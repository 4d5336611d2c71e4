// The big kernel lock: one spin lock held from every entry into the kernel until
// the exit into a thread (docs/ARCHITECTURE.md, "SMP", says why and what it costs).
// The kernel runs with interrupts masked, so a holder is never preempted.
#pragma once

#include <cstdint>

namespace kernel::kernel_lock {

struct alignas(64) SpinLock {
    uint32_t held; // 1 while a core is in the kernel
};

// The lock (one object: an inline function's static), constant-initialized to zero:
// no guard, and free before the first entry.
[[gnu::always_inline]] inline SpinLock& the_lock() {
    static constinit SpinLock lock{};
    return lock;
}

// One attempt: an exclusive load, and the store if the lock was free. False: held,
// or the store lost the exclusive monitor. Both failures branch straight out (asm goto),
// so the free case is four instructions and the address. `volatile` is what keeps it: an
// asm goto with an output nobody reads is otherwise dead code to GCC 12, which dropped it
// (a kernel without a lock; the debug invariant checks caught it on the cross-core bench).
[[gnu::always_inline]] inline bool try_take() {
    uint32_t status;
    asm volatile goto("   ldaxr %w0, [%1]\n"
                      "   cbnz %w0, %l[busy]\n"
                      "   stxr %w0, %w2, [%1]\n"
                      "   cbnz %w0, %l[busy]\n"
                      : "=&r"(status)
                      : "r"(&the_lock().held), "r"(1u)
                      : "memory"
                      : busy);
    return true; // taken: ldaxr's acquire orders what follows
busy:
    return false;
}

// Waits for the lock (kernel_lock.cpp): the contended case.
void acquire_slow();

// Every entry pays this: one attempt (the usual case, the lock free; the kernel fast
// paths count every instruction), the waiting loop only when it fails.
[[gnu::always_inline]] inline void acquire() {
    if (!try_take()) [[unlikely]]
        acquire_slow();
}

[[gnu::always_inline]] inline void release() {
    __atomic_store_n(&the_lock().held, 0u, __ATOMIC_RELEASE);
}

} // namespace kernel::kernel_lock
