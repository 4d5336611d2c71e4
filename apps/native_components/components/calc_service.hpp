// CalcServer's logic without the kernel: Calc's methods with the per-badge totals, and the
// in-place rewrite of the dataport text. calc_server.cpp serves it over IPC; the host
// test (tests/lowering/native_components_test.cpp) drives it through the generated glue.
#pragma once

#include "calc_protocol.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace calc {

// Each caller's state, indexed by its badge: the lowering numbers the callers of one
// `provides` end 1, 2, ..., so a badge is a small index the caller cannot choose.
class Service {
public:
    static constexpr uint64_t kMaxCallers = 8;

    int32_t add(uint64_t badge, int32_t x, int32_t& total) {
        int32_t* t = total_of(badge);
        if (t == nullptr) return kBadArgument;
        const int64_t sum = int64_t{*t} + x;
        if (!fits(sum)) return kOverflow;
        *t = static_cast<int32_t>(sum);
        total = *t;
        return kOk;
    }
    int32_t scale(uint64_t, int32_t& value, int32_t factor) {
        const int64_t product = int64_t{value} * factor;
        if (!fits(product)) return kOverflow;
        value = static_cast<int32_t>(product);
        return kOk;
    }
    int32_t divide(uint64_t, int32_t a, int32_t b, int32_t& q) {
        if (b == 0) return kBadArgument;
        const int64_t quotient = int64_t{a} / b; // INT32_MIN / -1 does not fit
        if (!fits(quotient)) return kOverflow;
        q = static_cast<int32_t>(quotient);
        return kOk;
    }

private:
    static bool fits(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }
    int32_t* total_of(uint64_t badge) {
        return badge >= 1 && badge <= kMaxCallers ? &totals_[badge - 1] : nullptr;
    }
    int32_t totals_[kMaxCallers] = {};
};

inline constexpr std::string_view kRewriteNote = " (rewritten by the server)";

// The client left NUL-terminated text in the dataport: upper-case it in place and append
// kRewriteNote (as far as kTextMax allows), so the client sees that the other end wrote
// the same memory. Returns how many bytes of text it found.
inline uint64_t rewrite(std::span<std::byte> port) {
    if (port.empty()) return 0;
    auto* text = reinterpret_cast<char*>(port.data());
    const uint64_t limit = port.size() < kTextMax ? port.size() : kTextMax;
    uint64_t n = 0;
    while (n + 1 < limit && text[n] != '\0') {
        if (text[n] >= 'a' && text[n] <= 'z') text[n] = static_cast<char>(text[n] - 'a' + 'A');
        ++n;
    }
    const uint64_t found = n;
    for (const char c : kRewriteNote) {
        if (n + 1 >= limit) break;
        text[n++] = c;
    }
    text[n] = '\0';
    return found;
}

} // namespace calc
