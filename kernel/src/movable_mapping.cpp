// Movable mappings: placement checks and the stage-2 updates (see movable_mapping.hpp).
#include "movable_mapping.hpp"

namespace kernel {

bool MovableMapping::init(Stage2Space& domain_space, const spec::Mapping& m, uint64_t region_phys) {
    space = &domain_space;
    pa = region_phys + m.offset;
    size = m.size;
    window_base = m.ipa;
    window_size = m.window_size;
    placed = call_abi::kMappingRemoved;
    rights = m.rights;
    cache = static_cast<spec::Cacheability>(m.cacheability);
    return space->reserve(window_base, window_size);
}

call_abi::Status MovableMapping::move(uint64_t ipa) {
    const bool removing = ipa == call_abi::kMappingRemoved;
    // The validator checked size <= window_size.
    if (!removing && ((ipa & (spec::kPageSize - 1)) != 0 || ipa < window_base ||
                      ipa - window_base > window_size - size))
        return call_abi::Status::InvalidArgument;
    if (ipa == placed) return call_abi::Status::Ok;
    if (placed != call_abi::kMappingRemoved) {
        space->remove(placed, size);
        placed = call_abi::kMappingRemoved;
        invalidate_guest_tlbs();
    }
    if (removing) return call_abi::Status::Ok;
    // An entry in use is another movable mapping of the same window.
    if (space->place(ipa, pa, size, rights, cache) != MapResult::Ok)
        return call_abi::Status::InvalidArgument;
    placed = ipa;
    return call_abi::Status::Ok;
}

#if defined(__aarch64__)
void invalidate_guest_tlbs() {
    asm volatile("dsb ishst\n tlbi alle1is\n dsb ish\n isb" ::: "memory");
}
#endif

} // namespace kernel
