// Core identity, secondary bring-up and the reschedule SGI (see smp.hpp).
#include "smp.hpp"

#include "console.hpp"
#include "gic_v2.hpp"
#include "psci.hpp"
#include "sysreg.hpp"
#include "thread.hpp"

extern "C" char secondary_entry[];

namespace kernel::smp {
namespace {
uint32_t g_core_count = 1; // cores the board has (kicks beyond it are bugs)
uint32_t g_online = 1;
uint32_t g_to_kick[kMaxCores] = {}; // per core: cores its kernel entry has kicked
} // namespace

uint32_t this_core() {
    return reinterpret_cast<const Thread*>(BH_READ_SYSREG(tpidr_el2))->core;
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

void start_secondaries(uint32_t count) {
    g_core_count = count;
    for (uint32_t i = 1; i < count; ++i) {
        // QEMU virt (and the boards described so far) number cores by Aff0.
        const int64_t status = psci::cpu_on(i, reinterpret_cast<uint64_t>(secondary_entry), i);
        if (status != 0) {
            log() << "smp: PSCI CPU_ON for core " << Dec{i} << " refused ("
                  << Dec{static_cast<uint64_t>(-status)} << "); its threads will not run\n";
        }
    }
}

void core_online() {
    __atomic_fetch_add(&g_online, 1, __ATOMIC_ACQ_REL);
}

uint32_t cores_online() {
    return __atomic_load_n(&g_online, __ATOMIC_ACQUIRE);
}

} // namespace kernel::smp
