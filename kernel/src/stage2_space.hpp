// A domain's address space: a stage-2 translation table (IPA -> PA) tagged with the
// domain's VMID. Component threads run at EL0 with stage 1 off, so their virtual
// addresses are IPAs and this table alone decides what they reach.
#pragma once

#include <spec/system_spec.hpp>

#include <cstdint>

namespace kernel {

enum class MapResult { Ok, OutOfTables, AlreadyMapped };

// A leaf written by map(..., deferred = true): in the table, but invalid to the MMU
// until activate() after its memory has been zeroed.
struct DeferredLeaf {
    uint64_t* entry = nullptr;
    uint64_t pa = 0;   // what the leaf maps
    uint64_t size = 0; // 4 KiB page or 2 MiB block
};

class Stage2Space {
public:
    bool init(uint16_t vmid); // false: page-table pool exhausted
    MapResult map(uint64_t ipa, uint64_t pa, uint64_t size, uint32_t rights,
                  spec::Cacheability cache, bool deferred = false);
    // The deferred leaf that translates `ipa`, if there is one (entry == nullptr if not).
    [[nodiscard]] DeferredLeaf deferred_leaf(uint64_t ipa) const;
    // Makes the leaf valid (the MMU caches no invalid entries, so no TLB maintenance).
    static void activate(const DeferredLeaf& leaf);
    [[nodiscard]] uint64_t vttbr() const {
        return reinterpret_cast<uint64_t>(root_) | (uint64_t{vmid_} << 48);
    }
    // VTCR_EL2 shared by every domain: 39-bit IPA, walk from level 1, 4 KiB granule.
    static uint64_t vtcr();
    static uint64_t tables_used();

private:
    uint64_t* root_ = nullptr;
    uint16_t vmid_ = 0;
};

} // namespace kernel
