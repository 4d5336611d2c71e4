// Protection domains: an address space and a capability table (a slice of the
// kernel's capability array, fixed at boot).
#pragma once

#include "capability.hpp"
#include "stage2_space.hpp"

namespace kernel {

struct Domain {
    Stage2Space space;
    Capability* caps = nullptr;
    uint32_t cap_count = 0;
    uint32_t index = 0;
    char name[16] = {};
};

} // namespace kernel
