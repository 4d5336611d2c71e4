// RAM scrubbing at boot and on first touch (see ram_scrub.hpp). Zeroing 512 MiB of guest
// RAM at boot cost about a second under QEMU and delayed every guest's start by it.
#include "ram_scrub.hpp"

#include "stage2_space.hpp"

namespace kernel::ram_scrub {
namespace {

struct DeferredRegion {
    uint64_t phys;        // region start
    uint64_t end;         // region end
    uint32_t first_chunk; // its first bit in g_zeroed
};

// Chunks are counted from the region's start rounded down to a chunk.
uint64_t chunk_base(uint64_t phys) {
    return phys & ~(kChunkSize - 1);
}

constexpr uint32_t kMaxRegions = 16;
constexpr uint32_t kMaxChunks = 8192; // 16 GiB of deferred RAM
DeferredRegion g_regions[kMaxRegions];
uint32_t g_region_count = 0;
uint32_t g_chunks_used = 0;
uint64_t g_zeroed[kMaxChunks / 64]; // one bit per chunk: already zeroed
// zero_next_piece's place: chunk g_idle_at / kChunkSize, g_idle_at % kChunkSize bytes
// into it (counted from the chunk's first byte in its region); chunks below are done.
uint64_t g_idle_at = 0;
Stats g_stats;

bool is_set(uint32_t bit) {
    return (g_zeroed[bit / 64] & (uint64_t{1} << (bit % 64))) != 0;
}

bool test_and_set(uint32_t bit) {
    const bool was = is_set(bit);
    g_zeroed[bit / 64] |= uint64_t{1} << (bit % 64);
    return was;
}

const DeferredRegion* region_of(uint64_t pa) {
    for (uint32_t i = 0; i < g_region_count; ++i)
        if (pa >= g_regions[i].phys && pa < g_regions[i].end) return &g_regions[i];
    return nullptr;
}

uint64_t min(uint64_t a, uint64_t b) {
    return a < b ? a : b;
}
uint64_t max(uint64_t a, uint64_t b) {
    return a > b ? a : b;
}

void barrier() {
#if defined(__aarch64__)
    asm volatile("dsb ish" ::: "memory");
#endif
}

// Whole blocks are cleared with DC ZVA (one instruction per block, 64 bytes on the
// A53/A57) when DCZID_EL0 allows it; word stores only cover the unaligned edges.
// (Host builds, for the unit tests, zero word by word.)
void zero(uint64_t p, uint64_t end) {
    uint64_t dczid = 1u << 4; // DZP: DC ZVA prohibited
#if defined(__aarch64__)
    asm volatile("mrs %0, dczid_el0" : "=r"(dczid));
#endif
    const bool zva_allowed = (dczid & (1u << 4)) == 0;
    const uint64_t block = uint64_t{4} << (dczid & 0xf);
    for (; (p & 7) != 0 && p < end; ++p)
        *reinterpret_cast<volatile uint8_t*>(p) = 0;
    if (zva_allowed) {
        for (; (p & (block - 1)) != 0 && p + 8 <= end; p += 8)
            *reinterpret_cast<volatile uint64_t*>(p) = 0;
        for (; p + block <= end; p += block) {
#if defined(__aarch64__)
            asm volatile("dc zva, %0" : : "r"(p) : "memory");
#endif
        }
    }
    for (; p + 8 <= end; p += 8)
        *reinterpret_cast<volatile uint64_t*>(p) = 0;
    for (; p < end; ++p)
        *reinterpret_cast<volatile uint8_t*>(p) = 0;
}

} // namespace

void zero_at_boot(uint64_t p, uint64_t end) {
    zero(p, end);
    g_stats.zeroed_at_boot += end - p;
}

bool add_deferred(uint64_t phys, uint64_t size, uint64_t init_size) {
    const uint64_t end = phys + size;
    const uint64_t base = chunk_base(phys);
    const uint64_t chunks = (end - base + kChunkSize - 1) / kChunkSize;
    if (g_region_count == kMaxRegions || chunks > kMaxChunks - g_chunks_used) return false;
    DeferredRegion& r = g_regions[g_region_count++];
    r = DeferredRegion{phys, end, g_chunks_used};
    g_chunks_used += static_cast<uint32_t>(chunks);
    // Chunks holding initial data are done now: data kept, the rest of them zeroed.
    const uint64_t data_end = phys + init_size;
    if (init_size != 0) {
        const uint64_t last = (data_end - 1 - base) / kChunkSize;
        for (uint64_t c = 0; c <= last; ++c)
            (void)test_and_set(r.first_chunk + static_cast<uint32_t>(c));
        const uint64_t tail = min(base + (last + 1) * kChunkSize, end);
        zero_at_boot(data_end, tail);
        g_stats.deferred += end - tail;
    } else {
        g_stats.deferred += size;
    }
    return true;
}

void ensure_zeroed(uint64_t pa, uint64_t size) {
    const DeferredRegion* r = region_of(pa);
    if (r == nullptr) return;
    const uint64_t base = chunk_base(r->phys);
    const uint64_t last = min(pa + size, r->end) - 1;
    for (uint64_t c = (pa - base) / kChunkSize; c <= (last - base) / kChunkSize; ++c) {
        if (test_and_set(r->first_chunk + static_cast<uint32_t>(c))) continue;
        const uint64_t from = max(base + c * kChunkSize, r->phys);
        const uint64_t to = min(base + (c + 1) * kChunkSize, r->end);
        zero(from, to);
        g_stats.zeroed_on_touch += to - from;
    }
}

// Out of line: the exit path inlines first_touch()'s tests, not the walk and zeroing.
[[gnu::noinline]] Touch resolve_first_touch(Stage2Space& space, uint64_t ipa) {
    const DeferredGroup group = space.deferred_group(ipa);
    if (group.entries == nullptr) return space.translates(ipa) ? Touch::Raced : Touch::NotDeferred;
    // The bitmap makes repeats cheap: a page table's 512 leaves mostly share one chunk.
    for (uint32_t i = 0; i < group.count; ++i) {
        const uint64_t e = group.entries[i];
        if (Stage2Space::is_deferred(e))
            ensure_zeroed(Stage2Space::leaf_pa(e, group.leaf_size), group.leaf_size);
    }
    barrier(); // the zeroes are complete before the mappings are valid
    Stage2Space::activate(group);
    barrier(); // the walker sees the new leaf before the access is retried
    return Touch::Completed;
}

bool zero_next_piece() {
    const auto at_chunk = static_cast<uint32_t>(g_idle_at / kChunkSize);
    for (uint32_t i = 0; i < g_region_count; ++i) {
        const DeferredRegion& r = g_regions[i];
        const uint64_t base = chunk_base(r.phys);
        const auto chunks = static_cast<uint32_t>((r.end - base + kChunkSize - 1) / kChunkSize);
        for (uint32_t c = at_chunk > r.first_chunk ? at_chunk - r.first_chunk : 0; c < chunks;
             ++c) {
            const uint32_t chunk = r.first_chunk + c;
            if (is_set(chunk)) continue; // touched (and so zeroed whole), or done before
            const uint64_t from = max(base + c * kChunkSize, r.phys);
            const uint64_t to = min(base + (c + 1) * kChunkSize, r.end);
            const uint64_t piece = from + (chunk == at_chunk ? g_idle_at % kChunkSize : 0);
            const uint64_t piece_end = min(piece + kPieceSize, to);
            zero(piece, piece_end);
            g_idle_at = uint64_t{chunk} * kChunkSize + (piece_end - from);
            if (piece_end == to) {
                barrier(); // zeroes complete before a first touch can make the leaves valid
                (void)test_and_set(chunk);
                g_stats.zeroed_while_idle += to - from;
                g_idle_at = uint64_t{chunk + 1} * kChunkSize;
            }
            return true;
        }
    }
    g_idle_at = uint64_t{g_chunks_used} * kChunkSize;
    return false;
}

bool idle_work_left() {
    return g_idle_at < uint64_t{g_chunks_used} * kChunkSize;
}

const Stats& stats() {
    return g_stats;
}

} // namespace kernel::ram_scrub
