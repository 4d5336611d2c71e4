// Host stand-in for the kernel's cores (kernel/src/smp.hpp): the executing core is
// a variable the test sets, and the reschedule SGIs sent are recorded.
#pragma once

#include <cstdint>
#include <vector>

namespace fake_smp {

inline uint32_t executing_core = 0;
inline std::vector<uint32_t> kicks; // cores sent the reschedule SGI, in order

} // namespace fake_smp
