// Unit tests for the strong address types and ranges.
#include <base/address.hpp>
#include <gtest/gtest.h>
#include <type_traits>

using base::GuestPhysAddr;
using base::GuestPhysRange;
using base::PhysAddr;

static_assert(!std::is_convertible_v<GuestPhysAddr, PhysAddr>, "IPA must not become a PA silently");
static_assert(!std::is_convertible_v<uint64_t, GuestPhysAddr>, "no implicit construction");

TEST(Address, Alignment) {
    GuestPhysAddr a(0x40080123);
    EXPECT_EQ(a.align_down(0x1000).raw(), 0x40080000u);
    EXPECT_EQ(a.align_up(0x200000).raw(), 0x40200000u);
    EXPECT_FALSE(a.aligned(0x1000));
    EXPECT_TRUE(GuestPhysAddr(0x40000000).aligned(0x200000));
}

TEST(Range, ContainsAndOverlaps) {
    GuestPhysRange ram{GuestPhysAddr(0x40000000), 0x20000000};
    EXPECT_TRUE(ram.contains(GuestPhysAddr(0x4F000000)));
    EXPECT_FALSE(ram.contains(GuestPhysAddr(0x60000000)));
    EXPECT_TRUE(ram.contains(GuestPhysRange{GuestPhysAddr(0x5FFFF000), 0x1000}));
    EXPECT_FALSE(ram.contains(GuestPhysRange{GuestPhysAddr(0x5FFFF000), 0x2000}));
    EXPECT_FALSE(ram.contains(GuestPhysRange{GuestPhysAddr(0x5FFFF000), ~0ull}));
    GuestPhysRange dtb{GuestPhysAddr(0x4F000000), 0x100000};
    EXPECT_TRUE(ram.overlaps(dtb));
    EXPECT_FALSE(dtb.overlaps(GuestPhysRange{GuestPhysAddr(0x4F100000), 0x1000}));
    EXPECT_FALSE(dtb.overlaps(GuestPhysRange{GuestPhysAddr(0x4F000000), 0}));
}
