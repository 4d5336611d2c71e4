// memcpy & co for freestanding builds (kernel, components): the compiler emits calls
// to them for struct copies and zeroing. Host builds use the C library's instead.
#include <base/memory_copy.hpp>

#include "no_libcall.hpp"

#include <cstddef>
#include <cstdint>

#if !__STDC_HOSTED__

extern "C" {

// The copy itself is libs/base's copy_memory (memory_copy.hpp), host-tested.
void* memcpy(void* dst, const void* src, size_t n) {
    return base::copy_memory(dst, src, n);
}

// Downwards (or apart) by copy_memory's words: libfdt moves a DTB's tail this way at each
// node it deletes (the VMM's guest DTB: 1.3M instructions a boot byte by byte).
BULKHEAD_NO_LIBCALL void* memmove(void* dst, const void* src, size_t n) {
    auto* d = static_cast<unsigned char*>(dst);
    const auto* s = static_cast<const unsigned char*>(src);
    const auto da = reinterpret_cast<uintptr_t>(d);
    const auto sa = reinterpret_cast<uintptr_t>(s);
    if (da <= sa || da - sa >= n) {
        base::copy_memory(d, s, n);
    } else {
        for (size_t i = n; i > 0; --i)
            d[i - 1] = s[i - 1];
    }
    return dst;
}

BULKHEAD_NO_LIBCALL void* memset(void* dst, int c, size_t n) {
    auto* d = static_cast<unsigned char*>(dst);
    if (c == 0 && ((reinterpret_cast<uintptr_t>(d) | n) & 7) == 0) {
        for (size_t i = 0; i < n; i += 8)
            *reinterpret_cast<uint64_t*>(d + i) = 0;
        return dst;
    }
    for (size_t i = 0; i < n; ++i)
        d[i] = static_cast<unsigned char>(c);
    return dst;
}

BULKHEAD_NO_LIBCALL int memcmp(const void* a, const void* b, size_t n) {
    const auto* x = static_cast<const unsigned char*>(a);
    const auto* y = static_cast<const unsigned char*>(b);
    for (size_t i = 0; i < n; ++i)
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
}

BULKHEAD_NO_LIBCALL size_t strlen(const char* s) {
    size_t n = 0;
    while (s[n] != '\0')
        ++n;
    return n;
}

} // extern "C"

#endif
