// kernel_preemption spinner: counts forever in its slot of the shared page; never
// blocks or yields, so only preemption lets anyone else run.
#include "components/preemption_slots.hpp"

#include <cstdint>

extern "C" void component_main(uint64_t index) {
    auto* counters = reinterpret_cast<volatile uint64_t*>(preemption_test::kCountersIpa);
    for (;;) counters[index] = counters[index] + 1;
}
