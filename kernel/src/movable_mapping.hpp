// Movable mappings (spec::Mapping::window_size): memory a domain's holder of a Mapping
// capability places, moves and removes at run time inside a window fixed at build time.
// A VMM places the frames it shares with a native component where the guest put the PCI
// BAR that shows them. The tables under the window exist from boot: a move never
// allocates, and a refused move leaves the mapping removed.
#pragma once

#include "stage2_space.hpp"

#include <spec/call_abi.hpp>
#include <spec/system_spec.hpp>

#include <cstdint>

namespace kernel {

struct MovableMapping {
    Stage2Space* space = nullptr; // the domain it maps into; nullptr: a fixed mapping
    uint64_t pa = 0;
    uint64_t size = 0;
    uint64_t window_base = 0;
    uint64_t window_size = 0;
    uint64_t placed = call_abi::kMappingRemoved; // its IPA now
    uint32_t rights = 0;
    spec::Cacheability cache = spec::Cacheability::WriteBack;

    // At boot: the window's tables. False when the pool is exhausted or a block is there.
    bool init(Stage2Space& domain_space, const spec::Mapping& m, uint64_t region_phys);
    // MappingMove: removed from where it was (TLBs invalidated), then placed at `ipa`
    // unless that is call_abi::kMappingRemoved. InvalidArgument when `ipa` is not page
    // aligned, the mapping would not lie inside its window, or another mapping is there.
    call_abi::Status move(uint64_t ipa);
};

// Invalidates the stage-2 (and combined) TLB entries of every VMID on every core: a
// removed leaf must not be used afterwards by any vCPU or thread.
void invalidate_guest_tlbs();

} // namespace kernel
