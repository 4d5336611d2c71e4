// Physical layout: spec right after the kernel, regions after it, aligned, inside
// the board's kernel pool and never overlapping.
#include "spec_fixture.hpp"

#include <image/memory_layout.hpp>

#include <gtest/gtest.h>

namespace {

TEST(MemoryLayout, SpecFollowsKernelAndRegionsFollowSpec) {
    const auto sys = image_test::small_system();
    const auto& d = sys.description();
    const auto layout = image::lay_out(d, base::PhysAddr{0x60123456});
    EXPECT_EQ(layout.spec_base.raw(), 0x60124000u);
    ASSERT_EQ(layout.region_base.size(), d.regions.size());
    base::PhysAddr previous_end = layout.spec_base + layout.spec_size;
    for (size_t i = 0; i < d.regions.size(); ++i) {
        const auto& r = d.regions[i];
        const base::PhysRange placed{layout.region_base[i], r.size};
        if (r.kind == spec::RegionKind::Device) {
            EXPECT_EQ(layout.region_base[i], *r.fixed);
            continue;
        }
        EXPECT_GE(layout.region_base[i], previous_end) << r.name;
        EXPECT_TRUE(d.board.kernel_pool.contains(placed)) << r.name;
        EXPECT_TRUE(layout.region_base[i].aligned(r.size >= (2u << 20) ? (2u << 20) : 4096));
        previous_end = placed.end();
    }
}

TEST(MemoryLayout, RefusesWhatDoesNotFit) {
    image::SystemBuilder sys(image_test::board());
    sys.add_domain("big");
    sys.add_ram("huge", 0x70000000);
    EXPECT_THROW(image::lay_out(sys.description(), base::PhysAddr{0x60200000}), std::runtime_error);
}

} // namespace

namespace {

TEST(MemoryLayout, FixedRamStaysWhereItWasPut) {
    image::SystemBuilder sys(image_test::board());
    const auto d = sys.add_domain("vm");
    const auto guest =
        sys.add_ram_at("guest-ram", base::PhysRange{base::PhysAddr{0x40000000}, 0x20000000});
    sys.map(d, guest, base::VirtAddr{0x40000000}, image::kRead | image::kWrite | image::kExecute);
    sys.add_ram("other", 8192);
    const auto layout = image::lay_out(sys.description(), base::PhysAddr{0x60200000});
    EXPECT_EQ(layout.region_base[guest.index].raw(), 0x40000000u);
    EXPECT_GE(layout.region_base[1].raw(), 0x60200000u);
}

TEST(MemoryLayout, FixedRamMustBeInRamAndClearOfTheKernel) {
    image::SystemBuilder sys(image_test::board());
    sys.add_domain("vm");
    EXPECT_THROW(sys.add_ram_at("low", base::PhysRange{base::PhysAddr{0x1000000}, 0x1000}),
                 std::runtime_error);
    sys.add_ram_at("on-kernel", base::PhysRange{base::PhysAddr{0x60100000}, 0x1000});
    EXPECT_THROW(image::lay_out(sys.description(), base::PhysAddr{0x60200000}), std::runtime_error);
}

} // namespace
