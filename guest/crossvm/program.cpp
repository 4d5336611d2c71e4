// The static guest programs' entry without a C library and the few helpers all of them
// use (see program.hpp).
#include "program.hpp"

#include "linux_syscall.hpp"

// The kernel starts a static program at _start with sp -> argc, argv[], NULL, envp[].
asm(".global _start\n"
    "_start:\n"
    "    mov x29, #0\n"
    "    mov x30, #0\n"
    "    mov x0, sp\n"
    "    bl guest_start\n");

extern "C" [[noreturn]] void guest_start(long* sp) {
    guest::exit(main(static_cast<int>(sp[0]), reinterpret_cast<char**>(sp + 1)));
}

// The compiler may call these even in freestanding code.
extern "C" void* memset(void* d, int c, size_t n) {
    auto* p = static_cast<unsigned char*>(d);
    for (size_t i = 0; i < n; ++i)
        p[i] = static_cast<unsigned char>(c);
    return d;
}
extern "C" void* memcpy(void* d, const void* s, size_t n) {
    auto* p = static_cast<unsigned char*>(d);
    const auto* q = static_cast<const unsigned char*>(s);
    for (size_t i = 0; i < n; ++i)
        p[i] = q[i];
    return d;
}

namespace guest {

void fail(const char* program, const char* what) {
    print(2, program);
    print(2, ": ");
    print(2, what);
    print(2, "\n");
    exit(1);
}

size_t number(const char* text) {
    size_t n = 0;
    for (const char* p = text; p != nullptr && *p >= '0' && *p <= '9'; ++p)
        n = n * 10 + static_cast<size_t>(*p - '0');
    return n;
}

void print_number(uint64_t v, unsigned base) {
    char text[24];
    int n = 23;
    text[n] = 0;
    do {
        text[--n] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v != 0);
    if (base == 16) {
        text[--n] = 'x';
        text[--n] = '0';
    }
    print(1, text + n);
}

} // namespace guest
