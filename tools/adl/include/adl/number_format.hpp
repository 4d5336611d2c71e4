// How the tool prints addresses and sizes in diagnostics, reports and generated code.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace adl {

// 0x-prefixed lower-case hex; 'digits' pads with zeros (reports align columns).
inline std::string hex(uint64_t value, int digits = 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%0*llx", digits, static_cast<unsigned long long>(value));
    return buf;
}

} // namespace adl
