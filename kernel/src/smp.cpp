// Core identity, secondary bring-up and the reschedule SGI (see smp.hpp).
#include "smp.hpp"

#include "console.hpp"
#include "gic.hpp"
#include "kernel_lock.hpp"
#include "psci.hpp"
#include "sysreg.hpp"
#include "thread.hpp"

extern "C" char secondary_entry[];

namespace kernel::smp {
namespace {
uint32_t g_core_count = 1; // cores the board has (kicks beyond it are bugs)
uint32_t g_online = 1;
bool g_go = false;                  // the boot core lets the secondaries schedule
uint32_t g_to_kick[kMaxCores] = {}; // per core: cores its kernel entry has kicked
} // namespace

uint32_t this_core() {
    // Not volatile: TPIDR_EL2 changes only on the way out of the kernel (restore_context)
    // and when a core starts (init_idle, before any read), so within one kernel entry the
    // compiler may read it once for all the per-core lookups of a path.
    uint64_t thread;
    asm("mrs %0, tpidr_el2" : "=r"(thread));
    return reinterpret_cast<const Thread*>(thread)->core;
}

void kick(uint32_t core) {
    const uint32_t here = this_core();
    if (core == here || core >= g_core_count) return;
    g_to_kick[here] |= 1u << core;
}

void send_kicks() {
    uint32_t& mask = g_to_kick[this_core()];
    for (uint32_t cores = mask; cores != 0; cores &= cores - 1)
        gic::send_sgi(static_cast<uint32_t>(__builtin_ctz(cores)), kRescheduleSgi);
    mask = 0;
}

void start_secondaries(uint32_t count, uint32_t wanted) {
    g_core_count = count;
    uint32_t started = 1;
    uint32_t idle = 0; // counted bit by bit: __builtin_popcount would use a SIMD register
    for (uint32_t i = 1; i < count; ++i)
        idle += (wanted & (1u << i)) == 0 ? 1 : 0;
    if (idle != 0) {
        log() << "smp: " << Dec{idle} << " of " << Dec{count}
              << " cores have no thread pinned to them: left off\n";
    }
    for (uint32_t i = 1; i < count; ++i) {
        if ((wanted & (1u << i)) == 0) continue;
        // QEMU virt (and the boards described so far) number cores by Aff0.
        const int64_t status = psci::cpu_on(i, reinterpret_cast<uint64_t>(secondary_entry), i);
        if (status != 0) {
            log() << "smp: PSCI CPU_ON for core " << Dec{i} << " refused ("
                  << Dec{static_cast<uint64_t>(-status)} << "); its threads will not run\n";
        } else {
            ++started;
        }
    }
    const uint64_t deadline = BH_READ_SYSREG(cntpct_el0) + BH_READ_SYSREG(cntfrq_el0);
    while (__atomic_load_n(&g_online, __ATOMIC_ACQUIRE) < started &&
           BH_READ_SYSREG(cntpct_el0) < deadline)
        asm volatile("yield");
    if (__atomic_load_n(&g_online, __ATOMIC_ACQUIRE) < started)
        log() << "smp: not every started core came online within a second\n";
    __atomic_store_n(&g_go, true, __ATOMIC_RELEASE);
}

void core_online(uint32_t index) {
    kernel_lock::acquire(); // one line at a time on the console
    log() << "smp: core " << Dec{index} << " online\n";
    __atomic_fetch_add(&g_online, 1, __ATOMIC_ACQ_REL);
    kernel_lock::release();
    while (!__atomic_load_n(&g_go, __ATOMIC_ACQUIRE))
        asm volatile("yield");
}

} // namespace kernel::smp
