// Ticket lock: fair (cores enter in arrival order), two words, LL/SC only (ARMv8.0
// has no LSE atomics).
#include "kernel_lock.hpp"

namespace kernel::kernel_lock {
namespace {

struct alignas(64) TicketLock {
    uint32_t next = 0;    // the ticket the next arrival takes
    uint32_t serving = 0; // the ticket allowed in
};

TicketLock g_lock;

} // namespace

void acquire() {
    uint32_t ticket;
    uint32_t bumped;
    uint32_t failed;
    asm volatile("1: ldaxr %w0, [%3]\n"
                 "   add %w1, %w0, #1\n"
                 "   stxr %w2, %w1, [%3]\n"
                 "   cbnz %w2, 1b\n"
                 : "=&r"(ticket), "=&r"(bumped), "=&r"(failed)
                 : "r"(&g_lock.next)
                 : "memory");
    while (__atomic_load_n(&g_lock.serving, __ATOMIC_ACQUIRE) != ticket)
        asm volatile("yield" ::: "memory");
}

void release() {
    __atomic_store_n(&g_lock.serving, g_lock.serving + 1, __ATOMIC_RELEASE);
}

} // namespace kernel::kernel_lock
