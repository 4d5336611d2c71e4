// Stage-2 table construction on the host: block vs page choice, permissions and
// memory attributes in the descriptors, overlap refusal, deferred (first-touch) leaves.
#include "stage2_space.hpp"

#include <gtest/gtest.h>

namespace {

constexpr uint64_t k2M = 2ull << 20;

// The raw entry at `level` (2 or 3) for ipa, valid or not (0 if the walk stops before it),
// from the root the way the MMU reads VTCR_EL2: T0SZ and SL0 (4 KiB granule).
uint64_t raw_entry(const kernel::Stage2Space& s, uint64_t ipa, int level) {
    const uint64_t vtcr = s.geometry().vtcr();
    const unsigned ipa_bits = 64 - (vtcr & 63);
    const unsigned start = ((vtcr >> 6) & 3) == 1 ? 1 : 2;
    if ((ipa >> ipa_bits) != 0) return 0; // a translation fault at the start level
    const auto* root = reinterpret_cast<const uint64_t*>(s.vttbr() & 0x0000fffffffff000ull);
    const uint64_t* l2 = root; // concatenated level-2 tables: indexed by IPA[ipa_bits-1:21]
    uint64_t index2 = ipa >> 21;
    if (start == 1) {
        const uint64_t e1 = root[ipa >> 30];
        if ((e1 & 3) != 3) return 0;
        l2 = reinterpret_cast<const uint64_t*>(e1 & 0x0000fffffffff000ull);
        index2 &= 511;
    }
    const uint64_t e2 = l2[index2];
    if (level == 2) return e2;
    if ((e2 & 3) != 3) return 0;
    return reinterpret_cast<const uint64_t*>(e2 & 0x0000fffffffff000ull)[(ipa >> 12) & 511];
}

// Walks the tables the way the MMU would (level 1 or 2 -> 3) and returns the leaf.
uint64_t leaf(const kernel::Stage2Space& s, uint64_t ipa, int* level = nullptr) {
    const uint64_t e2 = raw_entry(s, ipa, 2);
    if ((e2 & 3) == 1) {
        if (level) *level = 2;
        return e2;
    }
    if ((e2 & 3) != 3) return 0;
    if (level) *level = 3;
    return raw_entry(s, ipa, 3);
}

uint64_t address(uint64_t desc) {
    return desc & 0x0000fffffffff000ull;
}

TEST(Stage2Space, BlocksWhereAlignedPagesElsewhere) {
    kernel::Stage2Space s;
    ASSERT_TRUE(s.init(3));
    EXPECT_EQ(s.vttbr() >> 48, 3u) << "VMID";
    ASSERT_EQ(s.map(0x40000000, 0x80000000, 2 * k2M + 0x1000, spec::RightRead | spec::RightWrite,
                    spec::Cacheability::WriteBack),
              kernel::MapResult::Ok);
    int level = 0;
    EXPECT_EQ(address(leaf(s, 0x40000000 + 0x123000, &level)), 0x80000000u);
    EXPECT_EQ(level, 2);
    EXPECT_EQ(address(leaf(s, 0x40000000 + 2 * k2M, &level)), 0x80000000u + 2 * k2M);
    EXPECT_EQ(level, 3);
    EXPECT_EQ(leaf(s, 0x40000000 + 2 * k2M + 0x1000), 0u) << "nothing past the mapping";
}

TEST(Stage2Space, RightsAndAttributes) {
    kernel::Stage2Space s;
    ASSERT_TRUE(s.init(4));
    s.map(0x400000, 0x60300000, 0x1000, spec::RightRead | spec::RightExecute,
          spec::Cacheability::WriteBack);
    s.map(0x9000000, 0x9000000, 0x1000, spec::RightRead | spec::RightWrite,
          spec::Cacheability::Device);
    const uint64_t code = leaf(s, 0x400000);
    EXPECT_EQ((code >> 6) & 3, 1u) << "S2AP read-only";
    EXPECT_EQ(code & (1ull << 54), 0u) << "executable";
    EXPECT_EQ((code >> 2) & 0xf, 0xfu) << "normal write-back";
    EXPECT_NE(code & (1ull << 10), 0u) << "access flag";
    const uint64_t dev = leaf(s, 0x9000000);
    EXPECT_EQ((dev >> 6) & 3, 3u) << "S2AP read-write";
    EXPECT_NE(dev & (1ull << 54), 0u) << "devices never executable";
    EXPECT_EQ((dev >> 2) & 0xf, 0x1u) << "Device-nGnRE";
}

TEST(Stage2Space, RefusesOverlap) {
    kernel::Stage2Space s;
    ASSERT_TRUE(s.init(5));
    EXPECT_EQ(s.map(0x200000, 0x60200000, k2M, spec::RightRead, spec::Cacheability::WriteBack),
              kernel::MapResult::Ok);
    EXPECT_EQ(s.map(0x200000, 0x60400000, 0x1000, spec::RightRead, spec::Cacheability::WriteBack),
              kernel::MapResult::AlreadyMapped);
    EXPECT_EQ(s.map(0x300000, 0x60400000, k2M, spec::RightRead, spec::Cacheability::WriteBack),
              kernel::MapResult::AlreadyMapped);
}

TEST(Stage2Space, DeferredLeavesFaultUntilActivated) {
    kernel::Stage2Space s;
    ASSERT_TRUE(s.init(6));
    ASSERT_EQ(s.map(0x40000000, 0x40000000, k2M + 0x2000, spec::RightRead | spec::RightWrite,
                    spec::Cacheability::WriteBack, /*deferred=*/true),
              kernel::MapResult::Ok);
    EXPECT_EQ(leaf(s, 0x40000000), 0u) << "the MMU sees no valid block yet";
    EXPECT_EQ(raw_entry(s, 0x40000000, 2) & 1, 0u);
    EXPECT_EQ(raw_entry(s, 0x40000000 + k2M + 0x1000, 3) & 1, 0u) << "nor a valid page";

    const kernel::DeferredGroup block = s.deferred_group(0x40012345);
    ASSERT_NE(block.entries, nullptr);
    ASSERT_EQ(block.count, 1u);
    EXPECT_EQ(kernel::Stage2Space::leaf_pa(block.entries[0], block.leaf_size), 0x40000000u);
    EXPECT_EQ(block.leaf_size, k2M);
    kernel::Stage2Space::activate(block);
    int level = 0;
    const uint64_t b = leaf(s, 0x40012345, &level);
    EXPECT_EQ(level, 2);
    EXPECT_EQ(b & 3, 1u) << "a valid block descriptor";
    EXPECT_EQ(address(b), 0x40000000u);
    EXPECT_EQ((b >> 6) & 3, 3u) << "rights kept";
    EXPECT_EQ((b >> 2) & 0xf, 0xfu) << "attributes kept";
    EXPECT_EQ(b & (1ull << 58), 0u) << "software mark cleared";
    EXPECT_EQ(s.deferred_group(0x40012345).entries, nullptr) << "done once";

    // A page completes with its whole table: both pages, the empty entries untouched.
    const kernel::DeferredGroup pages = s.deferred_group(0x40000000 + k2M + 0x1abc);
    ASSERT_NE(pages.entries, nullptr);
    EXPECT_EQ(pages.count, 512u);
    EXPECT_EQ(pages.leaf_size, 0x1000u);
    EXPECT_EQ(kernel::Stage2Space::leaf_pa(pages.entries[1], pages.leaf_size),
              0x40000000u + k2M + 0x1000);
    EXPECT_EQ(s.deferred_group(0x40000000 + k2M + 0x2000).entries, nullptr) << "past the mapping";
    kernel::Stage2Space::activate(pages);
    EXPECT_EQ(leaf(s, 0x40000000 + k2M + 0x1000) & 3, 3u) << "a valid page descriptor";
    EXPECT_EQ(leaf(s, 0x40000000 + k2M) & 3, 3u) << "its neighbour too";
    EXPECT_EQ(raw_entry(s, 0x40000000 + k2M + 0x2000, 3), 0u) << "an empty entry stays empty";
    EXPECT_EQ(s.deferred_group(0x40000000 + k2M).entries, nullptr);

    EXPECT_EQ(s.deferred_group(0x8040000000ull).entries, nullptr)
        << "beyond the 39-bit IPA space: never aliases a lower entry";
}

TEST(Stage2Space, FaultsOutsideEveryDeferredMappingNeedNoWalk) {
    kernel::Stage2Space s;
    ASSERT_TRUE(s.init(7));
    ASSERT_EQ(s.map(0x09000000, 0x09000000, 0x1000, spec::RightRead | spec::RightWrite,
                    spec::Cacheability::Device),
              kernel::MapResult::Ok);
    EXPECT_EQ(s.deferred_group(0x40000000).entries, nullptr) << "nothing deferred yet";
    ASSERT_EQ(s.map(0x40000000, 0x40000000, 0x2000, spec::RightRead | spec::RightWrite,
                    spec::Cacheability::WriteBack, /*deferred=*/true),
              kernel::MapResult::Ok);
    ASSERT_EQ(s.map(0x48000000, 0x48000000, 0x1000, spec::RightRead | spec::RightWrite,
                    spec::Cacheability::WriteBack, /*deferred=*/true),
              kernel::MapResult::Ok);
    EXPECT_NE(s.deferred_group(0x40001000).entries, nullptr) << "first deferred mapping";
    EXPECT_NE(s.deferred_group(0x48000000).entries, nullptr) << "the range grew to the second";
    EXPECT_EQ(s.deferred_group(0x08000000).entries, nullptr) << "below: an MMIO fault";
    EXPECT_EQ(s.deferred_group(0x48001000).entries, nullptr) << "just past the last one";
    EXPECT_EQ(s.deferred_group(0x44000000).entries, nullptr) << "between them: walked, none";
}

TEST(Stage2Space, DeferredLeavesStillRefuseOverlap) {
    kernel::Stage2Space s;
    ASSERT_TRUE(s.init(7));
    ASSERT_EQ(
        s.map(0x200000, 0x60200000, k2M, spec::RightRead, spec::Cacheability::WriteBack, true),
        kernel::MapResult::Ok);
    EXPECT_EQ(s.map(0x200000, 0x60400000, 0x1000, spec::RightRead, spec::Cacheability::WriteBack),
              kernel::MapResult::AlreadyMapped)
        << "an invalid-but-deferred block is not free space";
    ASSERT_EQ(
        s.map(0x600000, 0x60600000, 0x1000, spec::RightRead, spec::Cacheability::WriteBack, true),
        kernel::MapResult::Ok);
    EXPECT_EQ(s.map(0x600000, 0x60700000, 0x1000, spec::RightRead, spec::Cacheability::WriteBack),
              kernel::MapResult::AlreadyMapped);
    EXPECT_EQ(s.deferred_group(0x300000).entries, s.deferred_group(0x200000).entries);
}

// Boards like QEMU's ask for 4 KiB leaves only: aligned 2 MiB runs become page tables.
TEST(Stage2Space, PagesOnlyBoardsGetNoBlocks) {
    kernel::Stage2Space s;
    ASSERT_TRUE(s.init(8, kernel::Stage2Leaves::PagesOnly));
    const uint64_t tables_before = kernel::Stage2Space::tables_used();
    ASSERT_EQ(s.map(0x40000000, 0x80000000, 2 * k2M, spec::RightRead | spec::RightWrite,
                    spec::Cacheability::WriteBack),
              kernel::MapResult::Ok);
    int level = 0;
    EXPECT_EQ(address(leaf(s, 0x40000000 + 0x123000, &level)), 0x80000000u + 0x123000);
    EXPECT_EQ(level, 3);
    EXPECT_EQ(address(leaf(s, 0x40000000 + 2 * k2M - 0x1000, &level)),
              0x80000000u + 2 * k2M - 0x1000);
    EXPECT_EQ(level, 3);
    EXPECT_EQ(kernel::Stage2Space::tables_used() - tables_before, 3u) << "one level-2, two level-3";
}

// The highest IPA of the system picks where the walk starts: up to 16 GiB, concatenated level-2
// tables at the root (one level less per walk); beyond, level 1 and 39 bits.
TEST(Stage2Geometry, FollowsTheHighestIpa) {
    using G = kernel::Stage2Geometry;
    struct Case {
        uint64_t ipa_end;
        unsigned start, tables, bits;
    };
    for (const Case& c : {Case{0, 2, 1, 30}, Case{1ull << 30, 2, 1, 30}, Case{0x60000000, 2, 2, 31},
                          Case{(1ull << 32) + 1, 2, 8, 33}, Case{16ull << 30, 2, 16, 34},
                          Case{(16ull << 30) + 1, 1, 1, 39}, Case{0x1000100000ull, 1, 1, 39}}) {
        const G g = G::for_ipa_end(c.ipa_end);
        EXPECT_EQ(g.start_level, c.start) << std::hex << c.ipa_end;
        EXPECT_EQ(g.root_tables, c.tables) << std::hex << c.ipa_end;
        EXPECT_EQ(g.ipa_bits, c.bits) << std::hex << c.ipa_end;
        EXPECT_EQ(g.vtcr() & 63, 64 - c.bits) << "T0SZ";
        EXPECT_EQ((g.vtcr() >> 6) & 3, c.start == 1 ? 1u : 0u) << "SL0";
    }
    EXPECT_EQ(G{}.vtcr(), G::for_ipa_end(1ull << 39).vtcr()) << "the default: level 1, 39 bits";
    EXPECT_EQ(G{}.vtcr() & ~0x3full & ~(3ull << 6),
              G::for_ipa_end(0x60000000).vtcr() & ~0x3full & ~(3ull << 6))
        << "granule, cacheability, shareability and PA size do not change";
}

// IPAs up to 2 GiB (a guest's RAM at 1 GiB, 512 MiB): two concatenated level-2 tables as
// the root.
TEST(Stage2Space, SmallIpaSpaceWalksFromLevel2) {
    kernel::Stage2Space s;
    const uint64_t before = kernel::Stage2Space::tables_used();
    ASSERT_TRUE(s.init(9, kernel::Stage2Leaves::PagesOnly,
                       kernel::Stage2Geometry::for_ipa_end(0x60000000)));
    EXPECT_EQ(s.geometry().start_level, 2u);
    EXPECT_EQ(s.vttbr() >> 48, 9u) << "VMID";
    EXPECT_EQ(s.vttbr() & 0x1fff, 0u) << "root aligned to its two tables";
    const uint64_t root_end = kernel::Stage2Space::tables_used();
    EXPECT_LE(root_end - before, 3u) << "two root tables, at most one skipped to align them";
    ASSERT_EQ(s.map(0x40000000, 0x80000000, k2M + 0x1000, spec::RightRead | spec::RightWrite,
                    spec::Cacheability::WriteBack),
              kernel::MapResult::Ok);
    ASSERT_EQ(s.map(0x09000000, 0x09000000, 0x1000, spec::RightRead | spec::RightWrite,
                    spec::Cacheability::Device),
              kernel::MapResult::Ok);
    EXPECT_EQ(kernel::Stage2Space::tables_used() - root_end, 3u) << "level-3 tables only";
    int level = 0;
    EXPECT_EQ(address(leaf(s, 0x40000000 + 0x5000, &level)), 0x80005000u);
    EXPECT_EQ(level, 3);
    const auto* root = reinterpret_cast<const uint64_t*>(s.vttbr() & 0x0000fffffffff000ull);
    EXPECT_EQ(root[0x40000000 >> 21] & 3, 3u) << "in the second root table: a table entry";
    EXPECT_EQ(address(leaf(s, 0x40000000 + k2M)), 0x80000000u + k2M);
    EXPECT_EQ(address(leaf(s, 0x09000000)), 0x09000000u);
    EXPECT_TRUE(s.translates(0x40000000 + k2M));
    EXPECT_FALSE(s.translates(0x40000000 + k2M + 0x1000));
    EXPECT_FALSE(s.translates(0x80000000)) << "beyond the 31-bit space";
    EXPECT_FALSE(s.translates(0x40000000 + (1ull << 31))) << "never aliases a lower entry";
    EXPECT_EQ(s.map(0x80000000, 0x90000000, 0x1000, spec::RightRead, spec::Cacheability::WriteBack),
              kernel::MapResult::BeyondIpaSpace);
    EXPECT_EQ(s.map(0x7ffff000, 0x90000000, 0x2000, spec::RightRead, spec::Cacheability::WriteBack),
              kernel::MapResult::BeyondIpaSpace)
        << "a mapping that runs past the end";
    EXPECT_FALSE(s.reserve(0x80000000, 0x1000));
}

TEST(Stage2Space, Level2RootTakesBlocksAndDeferredLeaves) {
    kernel::Stage2Space s;
    ASSERT_TRUE(s.init(10, kernel::Stage2Leaves::BlocksWherePossible,
                       kernel::Stage2Geometry::for_ipa_end(0x60000000)));
    ASSERT_EQ(s.map(0x40000000, 0x40000000, k2M + 0x1000, spec::RightRead | spec::RightWrite,
                    spec::Cacheability::WriteBack, /*deferred=*/true),
              kernel::MapResult::Ok);
    const auto* root = reinterpret_cast<const uint64_t*>(s.vttbr() & 0x0000fffffffff000ull);
    EXPECT_TRUE(kernel::Stage2Space::is_deferred(root[0x40000000 >> 21])) << "a block in the root";
    const kernel::DeferredGroup block = s.deferred_group(0x40000010);
    ASSERT_EQ(block.count, 1u);
    EXPECT_EQ(block.entries, &root[0x40000000 >> 21]);
    kernel::Stage2Space::activate(block);
    int level = 0;
    EXPECT_EQ(leaf(s, 0x40000010, &level) & 3, 1u);
    EXPECT_EQ(level, 2);
    const kernel::DeferredGroup pages = s.deferred_group(0x40000000 + k2M);
    EXPECT_EQ(pages.count, 512u);
    ASSERT_TRUE(s.reserve(0x50000000, 0x3000)) << "a movable window";
    EXPECT_EQ(
        s.place(0x50001000, 0x70000000, 0x1000, spec::RightRead, spec::Cacheability::WriteBack),
        kernel::MapResult::Ok);
    EXPECT_EQ(address(leaf(s, 0x50001000)), 0x70000000u);
    s.remove(0x50001000, 0x1000);
    EXPECT_EQ(leaf(s, 0x50001000), 0u);
}

} // namespace
