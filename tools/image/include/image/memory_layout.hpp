// Physical memory layout at build time: where the spec and every RAM region go.
#pragma once

#include "image/system_description.hpp"

namespace image {

// Where everything lands in physical memory.
struct Layout {
    base::PhysAddr spec_base;
    uint64_t spec_size = 0;
    std::vector<base::PhysAddr> region_base; // per region
};

// Places the spec after the kernel and every RAM region after the spec inside the
// board's kernel pool (2 MiB aligned when at least 2 MiB, else 4 KiB). Throws
// std::runtime_error when something does not fit.
Layout lay_out(const SystemDescription& system, base::PhysAddr kernel_end);

} // namespace image
