// Stage-2 tables from a static pool of page-table pages (no allocation after boot).
// Uses 2 MiB blocks where address and size allow (unless the board says pages only),
// 4 KiB pages elsewhere. A deferred
// leaf is the full descriptor with the valid bit clear and a software mark: the MMU
// ignores it (a translation fault), the kernel recognises and completes it.
#include "stage2_space.hpp"

#include <arch/granule.hpp>

namespace kernel {
namespace {

// 1024 pages (4 MiB): 512 MiB of guest RAM in 4 KiB leaves takes 257 of them. Aligned
// for the largest concatenated root (16 tables), so page index alignment is address
// alignment.
constexpr uint64_t kPoolPages = 1024;
constexpr uint64_t kMaxRootTables = 16;
alignas(kMaxRootTables * 4096) uint64_t g_pool[kPoolPages][512];
uint64_t g_pool_used = 0;

constexpr uint64_t kValid = 1;
constexpr uint64_t kTable = 0b11;
constexpr uint64_t kPage = 0b11;
constexpr uint64_t kBlock = 0b01;
constexpr uint64_t kAccessFlag = 1ull << 10;
constexpr uint64_t kInnerShareable = 3ull << 8;
constexpr uint64_t kS2Read = 1ull << 6;
constexpr uint64_t kS2Write = 1ull << 7;
constexpr uint64_t kExecuteNever = 1ull << 54;
constexpr uint64_t kAddressMask = 0x0000fffffffff000ull;
constexpr uint64_t kDeferredMark = 1ull << 58; // ignored by the MMU in an invalid entry
constexpr uint64_t kMemAttrWriteBack = 0b1111 << 2;
constexpr uint64_t kMemAttrNonCacheable = 0b0101 << 2;
constexpr uint64_t kMemAttrDevice = 0b0001 << 2; // Device-nGnRE
constexpr uint64_t k2MiB = arm::granule::kBlockBytes;
constexpr uint64_t k4KiB = arm::granule::kPageBytes;

// `count` zeroed tables in a row, aligned to their total size (a concatenated root must
// be); pages skipped for the alignment stay unused.
uint64_t* allocate_tables(uint64_t count) {
    const uint64_t first = (g_pool_used + count - 1) & ~(count - 1);
    if (first + count > kPoolPages) return nullptr;
    g_pool_used = first + count;
    uint64_t* t = g_pool[first];
    for (uint64_t i = 0; i < 512 * count; ++i)
        t[i] = 0;
    return t;
}

uint64_t* allocate_table() {
    return allocate_tables(1);
}

uint64_t leaf_attributes(uint32_t rights, spec::Cacheability cache) {
    uint64_t a = kAccessFlag;
    if (rights & spec::RightRead) a |= kS2Read;
    if (rights & spec::RightWrite) a |= kS2Write;
    if (!(rights & spec::RightExecute)) a |= kExecuteNever;
    switch (cache) {
    case spec::Cacheability::WriteBack:
        a |= kMemAttrWriteBack | kInnerShareable;
        break;
    case spec::Cacheability::NonCacheable:
        a |= kMemAttrNonCacheable | kInnerShareable;
        break;
    case spec::Cacheability::Device:
        a |= kMemAttrDevice | kExecuteNever;
        break;
    }
    return a;
}

// The next-level table under `entry`, created if absent; nullptr with `error` set
// if the pool is empty or a block already covers the range.
uint64_t* descend(uint64_t& entry, MapResult& error) {
    if (entry == 0) {
        uint64_t* t = allocate_table();
        if (t == nullptr) {
            error = MapResult::OutOfTables;
            return nullptr;
        }
        entry = reinterpret_cast<uint64_t>(t) | kTable;
        return t;
    }
    if ((entry & 0b11) != kTable) {
        error = MapResult::AlreadyMapped;
        return nullptr;
    }
    return reinterpret_cast<uint64_t*>(entry & kAddressMask);
}

} // namespace

Stage2Geometry Stage2Geometry::for_ipa_end(uint64_t ipa_end) {
    constexpr uint64_t kLevel2TableReach = uint64_t{1} << 30; // 512 x 2 MiB
    if (ipa_end > kMaxRootTables * kLevel2TableReach) return {};
    Stage2Geometry g{.start_level = 2, .root_tables = 1, .ipa_bits = 30};
    while (uint64_t{g.root_tables} * kLevel2TableReach < ipa_end) {
        g.root_tables = static_cast<uint8_t>(g.root_tables * 2);
        ++g.ipa_bits;
    }
    return g;
}

uint64_t Stage2Geometry::vtcr() const {
    // T0SZ, SL0 (1: start at level 1, 0: at level 2, for a 4 KiB granule), IRGN0/ORGN0
    // write-back, SH0 inner shareable, TG0 4 KiB, PS 40-bit, RES1 bit 31.
    const uint64_t sl0 = start_level == 1 ? 1 : 0;
    return uint64_t{64u - ipa_bits} | (sl0 << 6) | (1ull << 8) | (1ull << 10) | (3ull << 12) |
           (2ull << 16) | (1ull << 31);
}

bool Stage2Space::init(uint16_t vmid, Stage2Leaves leaves, Stage2Geometry geometry) {
    geometry_ = geometry;
    root_ = allocate_tables(geometry_.root_tables);
    vttbr_ = reinterpret_cast<uint64_t>(root_) | (uint64_t{vmid} << 48);
    leaves_ = leaves;
    return root_ != nullptr;
}

uint64_t* Stage2Space::make_level2_entry(uint64_t ipa, MapResult& error) {
    if ((ipa >> geometry_.ipa_bits) != 0) {
        error = MapResult::BeyondIpaSpace;
        return nullptr;
    }
    if (geometry_.start_level == 2) return &root_[ipa >> 21];
    uint64_t* l2 = descend(root_[ipa >> 30], error);
    return l2 == nullptr ? nullptr : &l2[(ipa >> 21) & 511];
}

MapResult Stage2Space::map(uint64_t ipa, uint64_t pa, uint64_t size, uint32_t rights,
                           spec::Cacheability cache, bool deferred) {
    const uint64_t attrs = leaf_attributes(rights, cache);
    // Deferred leaves are invalid: the first touch faults to the kernel.
    const uint64_t leaf_bits = deferred ? kDeferredMark : kValid;
    if (deferred && size > 0) {
        uint64_t base = ipa;
        uint64_t end = ipa + size;
        if (deferred_size_ != 0) {
            if (deferred_base_ < base) base = deferred_base_;
            if (deferred_base_ + deferred_size_ > end) end = deferred_base_ + deferred_size_;
        }
        deferred_base_ = base;
        deferred_size_ = end - base;
    }
    MapResult error = MapResult::Ok;
    while (size > 0) {
        uint64_t* l2ep = make_level2_entry(ipa, error);
        if (l2ep == nullptr) return error;
        uint64_t& l2e = *l2ep;
        if (leaves_ == Stage2Leaves::BlocksWherePossible && ((ipa | pa) & (k2MiB - 1)) == 0 &&
            size >= k2MiB) {
            if (l2e != 0) return MapResult::AlreadyMapped;
            l2e = pa | attrs | (kBlock & ~kValid) | leaf_bits;
            ipa += k2MiB;
            pa += k2MiB;
            size -= k2MiB;
            continue;
        }
        uint64_t* l3 = descend(l2e, error);
        if (l3 == nullptr) return error;
        // The rest of this table in one go: 512 MiB of guest RAM in 4 KiB leaves is 131072
        // of them per domain mapping it, and a walk from the root for each cost ~12M
        // instructions of every boot.
        const uint64_t page_bits = attrs | (kPage & ~kValid) | leaf_bits;
        for (uint64_t i = (ipa >> 12) & 511; i < 512 && size > 0; ++i) {
            if (l3[i] != 0) return MapResult::AlreadyMapped;
            l3[i] = pa | page_bits;
            ipa += k4KiB;
            pa += k4KiB;
            size -= k4KiB;
        }
    }
    return MapResult::Ok;
}

bool Stage2Space::reserve(uint64_t ipa, uint64_t size) {
    MapResult error = MapResult::Ok;
    for (uint64_t at = ipa & ~(k2MiB - 1); at < ipa + size; at += k2MiB) {
        uint64_t* l2e = make_level2_entry(at, error);
        if (l2e == nullptr || descend(*l2e, error) == nullptr) return false;
    }
    return true;
}

uint64_t* Stage2Space::level2_entry(uint64_t ipa) const {
    if ((ipa >> geometry_.ipa_bits) != 0) return nullptr; // beyond: would alias a lower entry
    if (geometry_.start_level == 2) return &root_[ipa >> 21];
    const uint64_t l1e = root_[ipa >> 30];
    if ((l1e & 0b11) != kTable) return nullptr;
    return &reinterpret_cast<uint64_t*>(l1e & kAddressMask)[(ipa >> 21) & 511];
}

uint64_t* Stage2Space::page_entry(uint64_t ipa) const {
    const uint64_t* l2e = level2_entry(ipa);
    if (l2e == nullptr || (*l2e & 0b11) != kTable) return nullptr;
    return &reinterpret_cast<uint64_t*>(*l2e & kAddressMask)[(ipa >> 12) & 511];
}

MapResult Stage2Space::place(uint64_t ipa, uint64_t pa, uint64_t size, uint32_t rights,
                             spec::Cacheability cache) {
    for (uint64_t off = 0; off < size; off += k4KiB) {
        const uint64_t* e = page_entry(ipa + off);
        if (e == nullptr) return MapResult::OutOfTables;
        if (*e != 0) return MapResult::AlreadyMapped;
    }
    const uint64_t attrs = leaf_attributes(rights, cache) | kPage;
    for (uint64_t off = 0; off < size; off += k4KiB)
        *page_entry(ipa + off) = (pa + off) | attrs;
    return MapResult::Ok;
}

void Stage2Space::remove(uint64_t ipa, uint64_t size) {
    for (uint64_t off = 0; off < size; off += k4KiB) {
        if (uint64_t* e = page_entry(ipa + off)) *e = 0;
    }
}

bool Stage2Space::translates(uint64_t ipa) const {
    if (const uint64_t* l2e = level2_entry(ipa); l2e != nullptr && (*l2e & 0b11) == kBlock)
        return true;
    const uint64_t* page = page_entry(ipa);
    return page != nullptr && (*page & 0b11) == kPage;
}

bool Stage2Space::is_deferred(uint64_t entry) {
    return (entry & (kDeferredMark | kValid)) == kDeferredMark;
}

uint64_t Stage2Space::leaf_pa(uint64_t entry, uint64_t leaf_size) {
    return entry & kAddressMask & ~(leaf_size - 1);
}

DeferredGroup Stage2Space::deferred_group(uint64_t ipa) const {
    if (!may_be_deferred(ipa)) return {}; // no deferred leaf there (MMIO)
    uint64_t* l2e = level2_entry(ipa);
    if (l2e == nullptr) return {};
    if (is_deferred(*l2e)) return {l2e, 1, k2MiB};
    uint64_t* page = page_entry(ipa);
    if (page == nullptr || !is_deferred(*page)) return {};
    return {page - ((ipa >> 12) & 511), 512, k4KiB}; // the whole table is the group
}

void Stage2Space::activate(const DeferredGroup& group) {
    for (uint32_t i = 0; i < group.count; ++i) {
        if (is_deferred(group.entries[i]))
            group.entries[i] = (group.entries[i] & ~kDeferredMark) | kValid;
    }
}

uint64_t Stage2Space::tables_used() {
    return g_pool_used;
}

} // namespace kernel
