// Guest memory: bounds checks at region edges, overlapping regions, scalar helpers.
#include <vmm/guest_memory.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace vmm {
namespace {

struct GuestMemoryTest : ::testing::Test {
    std::vector<std::byte> ram = std::vector<std::byte>(0x1000);
    MappedGuestMemory memory;
    void SetUp() override {
        ASSERT_TRUE(memory.add_region({GuestPhysAddr(0x40000000), ram.size()}, ram));
    }
};

TEST_F(GuestMemoryTest, ReadsAndWritesInsideTheRegion) {
    EXPECT_TRUE(memory.write_scalar<uint32_t>(GuestPhysAddr(0x40000ffc), 0xdeadbeef));
    EXPECT_EQ(memory.read_scalar<uint32_t>(GuestPhysAddr(0x40000ffc)), 0xdeadbeefu);
    EXPECT_EQ(ram[0xffc], std::byte{0xef}); // little-endian
}

TEST_F(GuestMemoryTest, RefusesAccessesCrossingOrOutsideTheRegion) {
    EXPECT_FALSE(memory.write_scalar<uint32_t>(GuestPhysAddr(0x40000ffe), 1));
    EXPECT_FALSE(memory.read_scalar<uint32_t>(GuestPhysAddr(0x3ffffffe)).has_value());
    EXPECT_FALSE(memory.read_scalar<uint8_t>(GuestPhysAddr(0x40001000)).has_value());
    EXPECT_FALSE(memory.read_scalar<uint64_t>(GuestPhysAddr(~uint64_t{0} - 3)).has_value());
    EXPECT_TRUE(memory.window({GuestPhysAddr(0x40000800), 0x1000}).empty());
    EXPECT_EQ(memory.window({GuestPhysAddr(0x40000800), 0x800}).size(), 0x800u);
}

TEST_F(GuestMemoryTest, RefusesOverlappingAndMismatchedRegions) {
    std::vector<std::byte> other(0x1000);
    EXPECT_FALSE(memory.add_region({GuestPhysAddr(0x40000800), other.size()}, other));
    EXPECT_FALSE(memory.add_region({GuestPhysAddr(0x50000000), 0x2000}, other));
    EXPECT_TRUE(memory.add_region({GuestPhysAddr(0x40001000), other.size()}, other));
    // Adjacent regions are separate: an access may not straddle them.
    EXPECT_FALSE(memory.read_scalar<uint32_t>(GuestPhysAddr(0x40000ffe)).has_value());
}

} // namespace
} // namespace vmm
