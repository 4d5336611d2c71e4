// memcpy & co for freestanding builds (kernel, components): the compiler emits calls
// to them for struct copies and zeroing. Host builds use the C library's instead.
#include <cstddef>
#include <cstdint>

#if !__STDC_HOSTED__

// The loops below must not be recognised as memset/memcpy and turned into calls to
// themselves.
#define BULKHEAD_NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

extern "C" {

// Word-aligned copies (the VM loading its guest's images: tens of MiB through the
// FileServer's dataport) move 64 bytes per iteration: eight loads, then eight stores, which
// the compiler pairs into LDP/STP. Under QEMU that made loading the guest about a third
// faster than one word per iteration.
BULKHEAD_NO_LIBCALL void* memcpy(void* dst, const void* src, size_t n) {
    auto* d = static_cast<unsigned char*>(dst);
    const auto* s = static_cast<const unsigned char*>(src);
    if (((reinterpret_cast<uintptr_t>(d) | reinterpret_cast<uintptr_t>(s)) & 7) == 0) {
        auto* dw = reinterpret_cast<uint64_t*>(d);
        const auto* sw = reinterpret_cast<const uint64_t*>(s);
        size_t words = n / 8;
        for (; words >= 8; words -= 8, dw += 8, sw += 8) {
            const uint64_t w0 = sw[0], w1 = sw[1], w2 = sw[2], w3 = sw[3];
            const uint64_t w4 = sw[4], w5 = sw[5], w6 = sw[6], w7 = sw[7];
            dw[0] = w0;
            dw[1] = w1;
            dw[2] = w2;
            dw[3] = w3;
            dw[4] = w4;
            dw[5] = w5;
            dw[6] = w6;
            dw[7] = w7;
        }
        for (; words > 0; --words)
            *dw++ = *sw++;
        d = reinterpret_cast<unsigned char*>(dw);
        s = reinterpret_cast<const unsigned char*>(sw);
        n &= 7;
    }
    for (size_t i = 0; i < n; ++i)
        d[i] = s[i];
    return dst;
}

BULKHEAD_NO_LIBCALL void* memmove(void* dst, const void* src, size_t n) {
    auto* d = static_cast<unsigned char*>(dst);
    const auto* s = static_cast<const unsigned char*>(src);
    if (d < s) {
        for (size_t i = 0; i < n; ++i)
            d[i] = s[i];
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
