// A domain's address space: a stage-2 translation table (IPA -> PA) tagged with the
// domain's VMID. Component threads run at EL0 with stage 1 off, so their virtual
// addresses are IPAs and this table alone decides what they reach.
#pragma once

#include <spec/system_spec.hpp>

#include <cstdint>

namespace kernel {

enum class MapResult { Ok, OutOfTables, AlreadyMapped, BeyondIpaSpace };

// Leaves written by map(..., deferred = true) are in the table but invalid to the MMU
// until activate() after their memory has been zeroed. A first touch completes a group:
// the 2 MiB block it hit, or the whole 4 KiB-leaf table it hit (one fault per 2 MiB of
// IPA, not one per page). Entries of the group that are not deferred are left alone.
struct DeferredGroup {
    uint64_t* entries = nullptr; // nullptr: the touched leaf is not deferred
    uint32_t count = 0;          // 1 block or 512 page entries
    uint64_t leaf_size = 0;      // 2 MiB or 4 KiB
};

// Leaf sizes map() may use. PagesOnly for boards whose spec says BoardStage2PagesOnly.
enum class Stage2Leaves : uint8_t { BlocksWherePossible, PagesOnly };

// Where the MMU's stage-2 walk starts, the same for every domain (one VTCR_EL2 for the
// system, so a switch of domain writes VTTBR_EL2 alone). When every domain's IPAs lie
// below 16 GiB the root is up to 16 concatenated level-2 tables: two levels per walk
// instead of three. Every TLB refill of a guest walks stage 2 once per stage-1
// descriptor and once for the output, so the level saved is paid for on each (QEMU
// refills its whole TLB after every guest ASID change). Otherwise level 1, 39-bit IPAs.
struct Stage2Geometry {
    uint8_t start_level = 1; // 1 or 2
    uint8_t root_tables = 1; // concatenated tables at the start level: 1, 2, 4, 8 or 16
    uint8_t ipa_bits = 39;   // 64 - VTCR_EL2.T0SZ
    static Stage2Geometry for_ipa_end(uint64_t ipa_end);
    [[nodiscard]] uint64_t vtcr() const;
};

class Stage2Space {
public:
    // false: page-table pool exhausted. `geometry`: the system's (Stage2Geometry::for_ipa_end
    // of the highest IPA any domain maps, movable windows included).
    bool init(uint16_t vmid, Stage2Leaves leaves = Stage2Leaves::BlocksWherePossible,
              Stage2Geometry geometry = {});
    MapResult map(uint64_t ipa, uint64_t pa, uint64_t size, uint32_t rights,
                  spec::Cacheability cache, bool deferred = false);
    // Movable mappings (spec::Mapping::window_size): reserve() makes the tables under
    // [ipa, ipa + size) at boot (4 KiB leaves), so place() and remove() there later never
    // allocate. False: out of tables, or a block already covers part of it.
    bool reserve(uint64_t ipa, uint64_t size);
    // 4 KiB leaves for [ipa, ipa + size) -> pa, all or nothing: AlreadyMapped when an
    // entry is in use, OutOfTables when part of it lies outside what reserve() made.
    MapResult place(uint64_t ipa, uint64_t pa, uint64_t size, uint32_t rights,
                    spec::Cacheability cache);
    // Clears the leaves of [ipa, ipa + size) (inside a reserved range); the caller
    // invalidates the TLBs.
    void remove(uint64_t ipa, uint64_t size);
    // Whether `ipa` is in the range that holds every deferred leaf (false for MMIO):
    // the test every guest MMIO exit pays, inline, before any walk.
    [[nodiscard]] bool may_be_deferred(uint64_t ipa) const {
        return ipa - deferred_base_ < deferred_size_;
    }
    // The group a first touch at `ipa` completes, if the leaf for `ipa` is deferred.
    [[nodiscard]] DeferredGroup deferred_group(uint64_t ipa) const;
    // True when `ipa` has a valid leaf now. A translation fault there was taken before
    // another core completed the leaf (two vCPUs first-touching one chunk at once): the
    // access is simply retried.
    [[nodiscard]] bool translates(uint64_t ipa) const;
    static bool is_deferred(uint64_t entry);
    static uint64_t leaf_pa(uint64_t entry, uint64_t leaf_size);
    // Makes the group's deferred leaves valid (the MMU caches no invalid entries, so no
    // TLB maintenance).
    static void activate(const DeferredGroup& group);
    // The root and the VMID (bits 63:48), formed once: every switch of domain loads it.
    [[nodiscard]] uint64_t vttbr() const { return vttbr_; }
    [[nodiscard]] const Stage2Geometry& geometry() const { return geometry_; }
    static uint64_t tables_used();

private:
    // The level-2 entry for `ipa`, making the level-2 table under the root when the walk
    // starts at level 1; nullptr with `error` set when that fails.
    uint64_t* make_level2_entry(uint64_t ipa, MapResult& error);
    // The level-2 entry (a block, a table or nothing) and the level-3 entry for `ipa`;
    // nullptr where no table leads there. The walk every lookup shares.
    [[nodiscard]] uint64_t* level2_entry(uint64_t ipa) const;
    [[nodiscard]] uint64_t* page_entry(uint64_t ipa) const;

    uint64_t* root_ = nullptr;
    uint64_t vttbr_ = 0;
    Stage2Geometry geometry_;
    // The IPAs of every deferred leaf lie in [deferred_base_, deferred_base_ +
    // deferred_size_): deferred_group() answers a fault outside (MMIO) without a walk.
    uint64_t deferred_base_ = 0;
    uint64_t deferred_size_ = 0;
    Stage2Leaves leaves_ = Stage2Leaves::BlocksWherePossible;
};

} // namespace kernel
