// kernel_preemption spinner: counts forever in its slot of the shared page; never
// blocks or yields, so only preemption lets anyone else run. It also keeps a copy
// of the count in an FP register and flags any difference: the two spinners share
// the FP/SIMD register file, so a lost or leaked switch shows up here.
#include "components/preemption_slots.hpp"

#include <cstdint>

extern "C" void component_main(uint64_t index) {
    auto* counters = reinterpret_cast<volatile uint64_t*>(preemption_test::kCountersIpa);
    // Each spinner's FP copy starts at a different offset, so a leak cannot match.
    const double offset = static_cast<double>(index + 1) * 1e12;
    double shadow = offset;
    uint64_t count = 0;
    for (;;) {
        asm volatile("" : "+w"(shadow)); // keep it in a SIMD register across the loop
        shadow += 1.0;
        ++count;
        counters[index] = count;
        if (shadow - offset != static_cast<double>(count)) {
            counters[preemption_test::kFpErrorSlot] = index + 1;
            shadow = offset + static_cast<double>(count);
        }
    }
}
