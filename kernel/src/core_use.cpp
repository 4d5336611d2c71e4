// Cores with threads pinned to them (see core_use.hpp).
#include "core_use.hpp"

namespace kernel::core_use {

uint32_t cores_to_start(std::span<const spec::Thread> threads, uint32_t cpu_count) {
    uint32_t mask = 1;
    for (const spec::Thread& t : threads)
        if (t.core < cpu_count && t.core < 32) mask |= uint32_t{1} << t.core;
    return mask;
}

} // namespace kernel::core_use
