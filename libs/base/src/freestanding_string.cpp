// String functions for freestanding builds: what the component runtime and the
// arm64 libfdt.a need (memchr strchr strnlen strrchr strtoul). Host builds use libc.
#include <cstddef>
#include <cstdint>

#if !__STDC_HOSTED__

extern "C" {

void* memchr(const void* s, int c, size_t n) {
    const auto* p = static_cast<const unsigned char*>(s);
    for (size_t i = 0; i < n; ++i)
        if (p[i] == static_cast<unsigned char>(c)) return const_cast<unsigned char*>(p + i);
    return nullptr;
}

char* strchr(const char* s, int c) {
    for (;; ++s) {
        if (*s == static_cast<char>(c)) return const_cast<char*>(s);
        if (*s == '\0') return nullptr;
    }
}

char* strrchr(const char* s, int c) {
    const char* last = nullptr;
    for (;; ++s) {
        if (*s == static_cast<char>(c)) last = s;
        if (*s == '\0') return const_cast<char*>(last);
    }
}

size_t strnlen(const char* s, size_t max) {
    size_t n = 0;
    while (n < max && s[n] != '\0')
        ++n;
    return n;
}

// C semantics: optional whitespace and sign, base 0 (auto: 0x.. hex, 0.. octal),
// 2..36; saturates at ULONG_MAX on overflow; *end points after the last digit.
unsigned long strtoul(const char* s, char** end, int base) {
    const char* p = s;
    while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
        ++p;
    bool negative = false;
    if (*p == '+' || *p == '-') negative = *p++ == '-';
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }
    unsigned long value = 0;
    bool overflow = false, any = false;
    for (;; ++p) {
        int digit;
        if (*p >= '0' && *p <= '9') {
            digit = *p - '0';
        } else if (*p >= 'a' && *p <= 'z') {
            digit = *p - 'a' + 10;
        } else if (*p >= 'A' && *p <= 'Z') {
            digit = *p - 'A' + 10;
        } else {
            break;
        }
        if (digit >= base) break;
        any = true;
        const unsigned long next =
            value * static_cast<unsigned long>(base) + static_cast<unsigned long>(digit);
        if (next / static_cast<unsigned long>(base) != value) overflow = true;
        value = next;
    }
    if (end != nullptr) *end = const_cast<char*>(any ? p : s);
    if (overflow) return ~0ul;
    return negative ? -value : value;
}

} // extern "C"

#endif
