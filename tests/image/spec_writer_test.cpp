// The spec writer produces what the validator (and so the kernel) accepts, with
// every record where the description put it.
#include "spec_fixture.hpp"

#include <image/memory_layout.hpp>
#include <image/spec_writer.hpp>
#include <spec/spec_validator.hpp>
#include <spec/spec_view.hpp>

#include <gtest/gtest.h>

#include <cstring>

namespace {

std::vector<uint8_t> written() {
    const auto sys = image_test::small_system();
    const auto layout = image::lay_out(sys.description(), base::PhysAddr{0x60200000});
    return image::write_spec(sys.description(), layout);
}

TEST(SpecWriter, OutputValidates) {
    const auto bytes = written();
    EXPECT_TRUE(spec::validate(bytes.data(), bytes.size()).ok);
    EXPECT_EQ(bytes.size(), image::spec_size(image_test::small_system().description()));
}

TEST(SpecWriter, RecordsRoundTrip) {
    const auto bytes = written();
    const spec::SpecView v(bytes.data());
    EXPECT_STREQ(v.board().name, BULKHEAD_REFERENCE_BOARD);
    ASSERT_EQ(v.domains().size(), 2u);
    EXPECT_STREQ(v.domains()[1].name, "server");
    EXPECT_EQ(v.domains()[0].cap_count, 2u); // slot 0 empty + the endpoint
    EXPECT_EQ(v.domains()[1].cap_first, 2u);
    const spec::Cap& c = v.caps()[1];
    EXPECT_EQ(c.type, static_cast<uint32_t>(spec::CapType::Endpoint));
    EXPECT_EQ(c.badge, 7u);
    ASSERT_EQ(v.threads().size(), 2u);
    EXPECT_EQ(v.threads()[0].fault_endpoint, 0u);
    EXPECT_EQ(v.threads()[0].fault_badge, 99u);
    EXPECT_EQ(v.threads()[1].bound_notification, 0u);
    EXPECT_EQ(v.threads()[1].priority, 60u);
    EXPECT_EQ(v.irq_handlers()[0].irq, 33u);
    EXPECT_EQ(v.regions()[0].init_size, 2u);
    EXPECT_EQ(v.mappings().size(), 7u); // 5 explicit + 2 stacks
}

TEST(SpecWriter, ZeroOnFirstTouchReachesTheRegionFlags) {
    auto sys = image_test::small_system();
    const auto ram = sys.add_ram_at("guest-ram", {base::PhysAddr{0x40000000}, 0x400000});
    sys.zero_on_first_touch(ram);
    const auto bytes = image::write_spec(
        sys.description(), image::lay_out(sys.description(), base::PhysAddr{0x60200000}));
    ASSERT_TRUE(spec::validate(bytes.data(), bytes.size()).ok);
    const spec::SpecView v(bytes.data());
    EXPECT_EQ(v.regions()[ram.index].flags, uint32_t{spec::RegionZeroOnFirstTouch});
    EXPECT_EQ(v.regions()[0].flags, 0u) << "other RAM is zeroed at boot";
    EXPECT_THROW(sys.zero_on_first_touch(image::RegionId{ram.index + 1}), std::runtime_error);
}

TEST(SpecWriter, BoardStage2BlocksAndBootDtbReachTheBoardRecord) {
    image::Board board = image_test::board();
    EXPECT_TRUE(board.stage2_blocks) << "qemu-arm-virt maps with 2 MiB blocks";
    EXPECT_TRUE(board.soft_tlb_ballast) << "qemu-arm-virt runs under QEMU";
    EXPECT_EQ(board.boot_dtb.raw(), 0x40000000u) << "QEMU's DTB for an ELF: the start of RAM";
    for (const bool blocks : {false, true}) {
        board.stage2_blocks = blocks;
        image::SystemBuilder sys(board);
        sys.add_domain("only");
        const auto bytes = image::write_spec(
            sys.description(), image::lay_out(sys.description(), base::PhysAddr{0x60200000}));
        ASSERT_TRUE(spec::validate(bytes.data(), bytes.size()).ok);
        const spec::Board& written = spec::SpecView(bytes.data()).board();
        EXPECT_EQ(written.flags, blocks ? 0u : uint32_t{spec::BoardStage2PagesOnly});
        EXPECT_EQ(written.boot_dtb, 0x40000000u);
    }
}

TEST(SpecWriter, EveryByteIsCoveredByTheChecksum) {
    const auto good = written();
    for (size_t i = 0; i < good.size(); i += 37) {
        auto bad = good;
        bad[i] ^= 0x01;
        EXPECT_FALSE(spec::validate(bad.data(), bad.size()).ok) << "byte " << i;
    }
}

} // namespace
