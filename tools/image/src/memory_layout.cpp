// Bump allocation of physical memory inside the board's kernel pool.
#include "image/memory_layout.hpp"

#include "image/spec_writer.hpp"

#include <arch/granule.hpp>

#include <stdexcept>

namespace image {

Layout lay_out(const SystemDescription& system, base::PhysAddr kernel_end) {
    const base::PhysRange pool = system.board.kernel_pool;
    Layout layout;
    layout.spec_base = kernel_end.align_up(arm::granule::kPageBytes);
    layout.spec_size = spec_size(system);
    base::PhysAddr next = (layout.spec_base + layout.spec_size).align_up(arm::granule::kPageBytes);
    for (const RegionDesc& r : system.regions) {
        if (r.fixed) {
            const base::PhysRange placed{*r.fixed, r.size};
            if (placed.overlaps(base::PhysRange{pool.base, next - pool.base}) &&
                placed.base < layout.spec_base + layout.spec_size)
                throw std::runtime_error("region '" + r.name + "' overlaps the kernel or the spec");
            layout.region_base.push_back(*r.fixed);
            continue;
        }
        // A region of a block or more on a block boundary: stage 2 can map it with blocks.
        const uint64_t align = r.size >= arm::granule::kBlockBytes ? arm::granule::kBlockBytes
                                                                   : arm::granule::kPageBytes;
        const base::PhysAddr at = next.align_up(align);
        if (!pool.contains(base::PhysRange{at, r.size})) {
            throw std::runtime_error("out of physical memory placing region '" + r.name + "' (" +
                                     std::to_string(r.size) + " bytes) in " + system.board.name +
                                     "'s kernel pool");
        }
        layout.region_base.push_back(at);
        next = at + r.size;
    }
    return layout;
}

} // namespace image
