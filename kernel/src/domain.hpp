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
    // CNTKCTL_EL1 while this domain runs: counter reads for all, the EL1 physical
    // timer only for the domain that holds its IRQ handler.
    uint64_t cntkctl = 0;
    char name[16] = {};
};

} // namespace kernel
