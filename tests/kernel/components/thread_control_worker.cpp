// kernel_thread_control worker domain, role by argument: a counting worker, a
// thread that executes an undefined instruction, and two yielders.
#include "components/thread_control_slots.hpp"

#include <runtime/capabilities.hpp>

using namespace runtime;
using namespace thread_control_test;

namespace {
// A static constructor: four threads enter this domain, it must run once.
struct CountsConstruction {
    CountsConstruction() {
        auto* shared = reinterpret_cast<volatile uint64_t*>(kSharedIpa);
        shared[4] = shared[4] + 1;
    }
} g_counts_construction;
} // namespace

extern "C" void component_main(uint64_t role) {
    auto* shared = reinterpret_cast<volatile uint64_t*>(kSharedIpa);
    switch (role) {
    case Worker:
        for (;;)
            shared[0] = shared[0] + 1;
    case Faulter:
        asm volatile(".inst 0x00000000"); // restarted by each fault reply
        break;
    default:
        for (unsigned i = 0; i < kYields; ++i) {
            if (shared[1] != role) shared[2] = shared[2] + 1;
            shared[1] = role;
            yield();
        }
        shared[3] = shared[3] + 1;
        if (shared[3] == 2) NotificationCap(Slot{kSignalDoneSlot}).signal();
        break;
    }
}
