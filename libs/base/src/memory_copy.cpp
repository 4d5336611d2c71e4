// The word-wise copy (see memory_copy.hpp).
#include <base/memory_copy.hpp>

#include "no_libcall.hpp"

#include <cstdint>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "copy_memory merges source words as little-endian values"
#endif

namespace base {
namespace {

using Byte = unsigned char;
// Words read and stored over memory of any declared type (the bytes of frames, structs).
using Word [[gnu::may_alias]] = uint64_t;

BULKHEAD_NO_LIBCALL inline void copy_bytes(Byte* d, const Byte* s, size_t n) {
    for (size_t i = 0; i < n; ++i)
        d[i] = s[i];
}

// Both ends 8-byte aligned: eight loads, then eight stores, which the compiler pairs into
// LDP/STP (loading a guest's images through a dataport went a third faster than a word
// per iteration under QEMU). Returns the words copied, in bytes.
BULKHEAD_NO_LIBCALL inline size_t copy_aligned(Byte* d, const Byte* s, size_t n) {
    auto* dw = reinterpret_cast<Word*>(d);
    const auto* sw = reinterpret_cast<const Word*>(s);
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
    return n & ~size_t{7};
}

// `d` aligned, `s` not (s & 7 = off, 1..7). Each stored word is the 8 - off source bytes
// carried over from the last load and the first off bytes of the next aligned source word,
// whose remaining 8 - off bytes are carried on. The carry starts with the bytes up to `s`'s
// next word boundary, read one by one; a word is loaded only when it lies wholly inside
// the source. Returns the bytes copied (a multiple of 8).
BULKHEAD_NO_LIBCALL inline size_t copy_shifted(Byte* d, const Byte* s, size_t n) {
    const auto off = static_cast<unsigned>(reinterpret_cast<uintptr_t>(s) & 7);
    const unsigned head = 8 - off; // carried bytes, at the bottom of `carry`
    if (n < head + 8) return 0;
    uint64_t carry = 0;
    for (unsigned i = 0; i < head; ++i)
        carry |= uint64_t{s[i]} << (8 * i);
    const auto* sw = reinterpret_cast<const Word*>(s + head);
    auto* dw = reinterpret_cast<Word*>(d);
    const unsigned up = 8 * head;  // where a loaded word's bytes go in the stored one
    const unsigned down = 8 * off; // how far its carried-on bytes move down
    // Loaded words end at s + head + 8k, stored ones at d + 8k: one word at a time while
    // the next load stays inside the source.
    size_t words = (n - head) / 8;
    for (size_t k = 0; k < words; ++k) {
        const uint64_t w = sw[k];
        dw[k] = carry | (w << up);
        carry = w >> down;
    }
    return 8 * words;
}

} // namespace

BULKHEAD_NO_LIBCALL void* copy_memory(void* dst, const void* src, size_t n) {
    auto* d = static_cast<Byte*>(dst);
    const auto* s = static_cast<const Byte*>(src);
    // Up to the destination's next word boundary byte by byte (when the copy reaches it).
    const size_t lead = (8 - (reinterpret_cast<uintptr_t>(d) & 7)) & 7;
    if (lead != 0 && lead <= n) {
        copy_bytes(d, s, lead);
        d += lead;
        s += lead;
        n -= lead;
    }
    if ((reinterpret_cast<uintptr_t>(d) & 7) == 0) {
        const size_t done = (reinterpret_cast<uintptr_t>(s) & 7) == 0 ? copy_aligned(d, s, n)
                                                                      : copy_shifted(d, s, n);
        d += done;
        s += done;
        n -= done;
    }
    copy_bytes(d, s, n);
    return dst;
}

} // namespace base
