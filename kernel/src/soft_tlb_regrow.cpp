// The occasional TLB invalidation of a busy guest on boards run under QEMU
// (soft_tlb_regrow.hpp).
#include "soft_tlb_regrow.hpp"

#include "smp.hpp"
#include "sysreg.hpp"

namespace kernel::soft_tlb_regrow {
namespace {
bool g_on = false;
uint64_t g_interval = 0;               // counter ticks
uint64_t g_last[smp::kMaxCores] = {};  // each core's, written only by that core
uint64_t g_count[smp::kMaxCores] = {}; // each core's, written only by that core
} // namespace

void configure(bool on) {
    g_on = on;
    g_interval = BH_READ_SYSREG(cntfrq_el0) * kIntervalMs / 1000;
}

bool enabled() {
    return g_on;
}

void on_busy_guest_tick() {
    if (!g_on) return;
    const uint32_t core = smp::this_core();
    const uint64_t now = BH_READ_SYSREG(cntpct_el0);
    if (!due(now, g_last[core], g_interval)) return;
    g_last[core] = now;
    ++g_count[core];
    // This core only (the guest's vCPU runs here): the point is QEMU's resize of this
    // core's TLB, which happens in the flush. Completed before the guest runs again.
    asm volatile("tlbi vmalle1\n\tdsb nsh" ::: "memory");
}

uint64_t count(uint32_t core) {
    return g_count[core];
}

} // namespace kernel::soft_tlb_regrow
