// Target-only build check: links every object of the VM libraries (whole archives) and
// libfdt into a freestanding executable with nothing but the C symbols a component
// runtime provides, so a hidden dependency (a libstdc++ thrower, a guard variable,
// __cxa_pure_virtual, ...) fails the build here instead of in the VM component later.
// Never run. The weak definitions below stand in for the runtime's.
#include <cstddef>
#include <cstdint>

extern "C" {
[[gnu::weak]] void* memcpy(void* d, const void* s, std::size_t n) {
    auto* dp = static_cast<unsigned char*>(d);
    const auto* sp = static_cast<const unsigned char*>(s);
    while (n-- != 0)
        *dp++ = *sp++;
    return d;
}
[[gnu::weak]] void* memmove(void* d, const void*, std::size_t) {
    return d;
}
[[gnu::weak]] void* memset(void* d, int, std::size_t) {
    return d;
}
[[gnu::weak]] int memcmp(const void*, const void*, std::size_t) {
    return 0;
}
[[gnu::weak]] const void* memchr(const void*, int, std::size_t) {
    return nullptr;
}
[[gnu::weak]] std::size_t strlen(const char*) {
    return 0;
}
[[gnu::weak]] std::size_t strnlen(const char*, std::size_t) {
    return 0;
}
[[gnu::weak]] int strcmp(const char*, const char*) {
    return 0;
}
[[gnu::weak]] const char* strchr(const char*, int) {
    return nullptr;
}
[[gnu::weak]] const char* strrchr(const char*, int) {
    return nullptr;
}
[[gnu::weak]] unsigned long strtoul(const char*, char**, int) {
    return 0;
}
[[gnu::weak]] uintptr_t __stack_chk_guard = 0;
[[gnu::weak]] void __stack_chk_fail() {
    for (;;) {
    }
}
void _start() {
    for (;;) {
    }
}
}
