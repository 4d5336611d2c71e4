// Movable mappings on the host: the window's tables made at boot, placement checks, moves
// that leave the old place empty (with a TLB invalidation), refusals that leave it removed.
#include "movable_mapping.hpp"

#include <gtest/gtest.h>

namespace kernel {
namespace {
unsigned g_invalidations = 0;
} // namespace
void invalidate_guest_tlbs() {
    ++g_invalidations;
}
} // namespace kernel

namespace {

using call_abi::Status;
using kernel::MovableMapping;

constexpr uint64_t kWindow = 0x3fd00000;

// The level-3 entry for `ipa` (0 when the walk stops before it).
uint64_t page_entry(const kernel::Stage2Space& s, uint64_t ipa) {
    constexpr uint64_t kMask = 0x0000fffffffff000ull;
    const auto* l1 = reinterpret_cast<const uint64_t*>(s.vttbr() & kMask);
    const uint64_t e1 = l1[(ipa >> 30) & 511];
    if ((e1 & 3) != 3) return 0;
    const uint64_t e2 = reinterpret_cast<const uint64_t*>(e1 & kMask)[(ipa >> 21) & 511];
    if ((e2 & 3) != 3) return 0;
    return reinterpret_cast<const uint64_t*>(e2 & kMask)[(ipa >> 12) & 511];
}

spec::Mapping movable(uint64_t size, uint64_t window_size = 0x100000) {
    return spec::Mapping{0,
                         0,
                         kWindow,
                         0x1000,
                         size,
                         spec::RightRead | spec::RightWrite,
                         static_cast<uint32_t>(spec::Cacheability::WriteBack),
                         window_size};
}

TEST(MovableMapping, StartsRemovedAndPlacesPagesOfItsFrames) {
    kernel::Stage2Space s;
    ASSERT_TRUE(s.init(5));
    MovableMapping m;
    ASSERT_TRUE(m.init(s, movable(0x2000), 0x70000000));
    EXPECT_EQ(m.placed, call_abi::kMappingRemoved);
    EXPECT_EQ(page_entry(s, kWindow), 0u) << "nothing mapped at boot";
    ASSERT_EQ(m.move(kWindow + 0x4000), Status::Ok);
    EXPECT_EQ(page_entry(s, kWindow + 0x4000) & 0x0000fffffffff000ull, 0x70001000u);
    EXPECT_EQ(page_entry(s, kWindow + 0x5000) & 0x0000fffffffff000ull, 0x70002000u);
    EXPECT_EQ(page_entry(s, kWindow + 0x4000) & 3, 3u) << "a valid page";
    EXPECT_EQ(page_entry(s, kWindow + 0x6000), 0u);
}

TEST(MovableMapping, AMoveEmptiesTheOldPlaceAndInvalidatesTheTlbs) {
    kernel::Stage2Space s;
    ASSERT_TRUE(s.init(6));
    MovableMapping m;
    ASSERT_TRUE(m.init(s, movable(0x1000), 0x70000000));
    ASSERT_EQ(m.move(kWindow), Status::Ok);
    const unsigned before = kernel::g_invalidations;
    EXPECT_EQ(m.move(kWindow), Status::Ok) << "the same place: nothing to do";
    EXPECT_EQ(kernel::g_invalidations, before);
    ASSERT_EQ(m.move(kWindow + 0x80000), Status::Ok);
    EXPECT_EQ(kernel::g_invalidations, before + 1);
    EXPECT_EQ(page_entry(s, kWindow), 0u);
    EXPECT_NE(page_entry(s, kWindow + 0x80000), 0u);
    ASSERT_EQ(m.move(call_abi::kMappingRemoved), Status::Ok);
    EXPECT_EQ(page_entry(s, kWindow + 0x80000), 0u);
    EXPECT_EQ(m.placed, call_abi::kMappingRemoved);
}

TEST(MovableMapping, RefusesPlacesOutsideItsWindowOrMisaligned) {
    kernel::Stage2Space s;
    ASSERT_TRUE(s.init(7));
    MovableMapping m;
    ASSERT_TRUE(m.init(s, movable(0x2000, 0x10000), 0x70000000));
    EXPECT_EQ(m.move(kWindow + 0x800), Status::InvalidArgument);
    EXPECT_EQ(m.move(kWindow - 0x1000), Status::InvalidArgument);
    EXPECT_EQ(m.move(kWindow + 0xf000), Status::InvalidArgument) << "its second page is outside";
    EXPECT_EQ(m.move(kWindow + 0xe000), Status::Ok) << "ends at the window's end";
    EXPECT_EQ(m.move(~uint64_t{0} - 0xfff), Status::InvalidArgument);
    EXPECT_EQ(m.placed, kWindow + 0xe000) << "a refused place keeps the old one";
}

TEST(MovableMapping, TwoInOneWindowNeverOverlap) {
    kernel::Stage2Space s;
    ASSERT_TRUE(s.init(8));
    MovableMapping a;
    MovableMapping b;
    ASSERT_TRUE(a.init(s, movable(0x2000), 0x70000000));
    ASSERT_TRUE(b.init(s, movable(0x1000), 0x71000000));
    ASSERT_EQ(a.move(kWindow), Status::Ok);
    EXPECT_EQ(b.move(kWindow + 0x1000), Status::InvalidArgument);
    EXPECT_EQ(b.placed, call_abi::kMappingRemoved);
    EXPECT_EQ(page_entry(s, kWindow + 0x1000) & 0x0000fffffffff000ull, 0x70002000u)
        << "the other's page untouched";
    EXPECT_EQ(b.move(kWindow + 0x2000), Status::Ok);
    // Moving a onto b's old place after b left it.
    ASSERT_EQ(b.move(kWindow + 0x8000), Status::Ok);
    EXPECT_EQ(a.move(kWindow + 0x1000), Status::Ok);
}

TEST(MovableMapping, AWindowUnderABlockHasNoTables) {
    kernel::Stage2Space s;
    ASSERT_TRUE(s.init(9));
    ASSERT_EQ(
        s.map(0x3fc00000, 0x80000000, 0x200000, spec::RightRead, spec::Cacheability::WriteBack),
        kernel::MapResult::Ok);
    MovableMapping m;
    EXPECT_FALSE(m.init(s, movable(0x1000), 0x70000000));
    EXPECT_EQ(
        s.place(0x7fd00000, 0x70000000, 0x1000, spec::RightRead, spec::Cacheability::WriteBack),
        kernel::MapResult::OutOfTables)
        << "place() never allocates";
}

} // namespace
