// Checks a spec before anyone trusts it: framing (magic, version, size, trailer,
// checksum), table geometry, and every cross reference and address. The kernel runs
// it at boot; the host tool runs it on what it wrote; both share this code.
#pragma once

#include "spec/system_spec.hpp"

#include <cstddef>

namespace spec {

struct Verdict {
    bool ok = true;
    const char* what = "";  // what is wrong, as a sentence fragment
    const char* where = ""; // table name, or "" for framing problems
    uint32_t index = kNone; // record index within `where`, if any
    uint64_t value = 0;     // the offending value, if useful
    uint64_t expected = 0;  // what was expected instead, if useful
};

// `available` is how many bytes of spec the loaded image really holds.
Verdict validate(const uint8_t* data, size_t available, const Limits& limits = kKernelLimits);

const char* table_name(Table t);

} // namespace spec
