// What runs between crt0 and component_main: the domain's static constructors,
// exactly once although every thread of the domain enters through crt0 (the first
// thread runs them, the others yield until it is done), then component_main.
#include <runtime/capabilities.hpp>

#include <cstdint>

extern "C" void (*__init_array_start[])();
extern "C" void (*__init_array_end[])();
extern "C" void component_main(uint64_t arg);

namespace {
enum : uint32_t { NotStarted = 0, Running = 1, Done = 2 };
uint32_t g_constructors = NotStarted;
} // namespace

extern "C" [[noreturn]] void component_start(uint64_t arg) {
    uint32_t expected = NotStarted;
    if (__atomic_compare_exchange_n(&g_constructors, &expected, Running, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE)) {
        for (auto* f = __init_array_start; f != __init_array_end; ++f)
            (*f)();
        __atomic_store_n(&g_constructors, Done, __ATOMIC_RELEASE);
    } else {
        while (__atomic_load_n(&g_constructors, __ATOMIC_ACQUIRE) != Done)
            runtime::yield();
    }
    component_main(arg);
    runtime::exit();
}
