// The pieces of the C++ ABI a freestanding component can reach: pure virtual
// calls, deleting destructors (there is no heap: reaching one is a bug), the DSO
// handle, and the stack protector's guard and failure hook (libfdt.a uses them).
#include <runtime/capabilities.hpp>
#include <runtime/debug_print.hpp>

#include <cstddef>

namespace {
[[noreturn]] void die(const char* why) {
    runtime::out() << "component: " << why << "\n";
    __builtin_trap(); // an undefined instruction: the fault handler hears of it
}
} // namespace

extern "C" {
void* __dso_handle = nullptr;
uintptr_t __stack_chk_guard = 0x595e9fbd94fda766ull;
[[noreturn]] void __stack_chk_fail() {
    die("stack smashing detected");
}
[[noreturn]] void __cxa_pure_virtual() {
    die("pure virtual call");
}
}

void operator delete(void*) noexcept {
    die("operator delete without a heap");
}
void operator delete(void*, size_t) noexcept {
    die("operator delete without a heap");
}
