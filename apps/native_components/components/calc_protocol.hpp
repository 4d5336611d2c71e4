// What CalcServer and CalcClient agree on beyond Calc.idl4's signatures: the result codes
// (negative errnos, as the procedure's comment says) and printing a signed number, which
// base::TextWriter's Dec (unsigned) does not.
#pragma once

#include <base/text_writer.hpp>

#include <cstdint>

namespace calc {

inline constexpr int32_t kOk = 0;
inline constexpr int32_t kBadArgument = -22; // EINVAL
inline constexpr int32_t kOverflow = -34;    // ERANGE

// The dataport text is NUL-terminated and never longer than this (bytes, with the NUL).
inline constexpr uint64_t kTextMax = 256;

struct Signed {
    int64_t value;
};

inline base::TextWriter& operator<<(base::TextWriter& out, Signed s) {
    if (s.value < 0) out << '-';
    // The magnitude of INT64_MIN does not fit in int64_t, so negate as unsigned.
    const uint64_t magnitude =
        s.value < 0 ? ~static_cast<uint64_t>(s.value) + 1 : static_cast<uint64_t>(s.value);
    return out << base::Dec{magnitude};
}

} // namespace calc
