// GICv3 facts: the ICH_LR word against its description (and the conversion from the
// GICH_LR word the vCPU ABI carries), ICC_SGI1R_EL1 fields, affinity packing, the
// distributor and redistributor field helpers.
#include <arch/gic_v3.hpp>

#include <gtest/gtest.h>

namespace {

using arm::gicv2::ListRegister;
using State = ListRegister::State;
namespace v3 = arm::gicv3;

TEST(GicV3ListRegister, SoftwareInterruptWithEoiMaintenance) {
    // vINTID 33 pending (State 01 at [63:62]), Group 1 [60], priority 0xa0 at [55:48],
    // EOI [41].
    const ListRegister r{.virq = 33,
                         .state = State::Pending,
                         .priority = 0xa0,
                         .group1 = true,
                         .eoi_maintenance = true};
    EXPECT_EQ(v3::lr_from_v2(r), 0x50a0020000000021ull);
    EXPECT_EQ(v3::lr_to_v2(0x50a0020000000021ull), r);
}

TEST(GicV3ListRegister, HardwareInterruptNamesThePhysicalIntid) {
    // HW [61], pINTID 27 at [44:32], active and pending.
    const ListRegister r{
        .virq = 27, .state = State::PendingActive, .priority = 0x80, .hw = true, .physical_id = 27};
    EXPECT_EQ(v3::lr_from_v2(r), 0xe080001b0000001bull);
    EXPECT_EQ(v3::lr_to_v2(v3::lr_from_v2(r)), r);
}

TEST(GicV3ListRegister, EmptyIsZeroAndSgiSourceHasNoPlace) {
    EXPECT_EQ(v3::lr_from_v2(ListRegister{}), 0u);
    const ListRegister sgi{.virq = 1, .state = State::Pending, .source_cpu = 3};
    const ListRegister back = v3::lr_to_v2(v3::lr_from_v2(sgi));
    EXPECT_EQ(back.virq, 1u);
    EXPECT_EQ(back.source_cpu, 0u);
    // Round trip through the ABI word for every state and group.
    for (unsigned st = 0; st < 4; ++st) {
        const ListRegister r{.virq = 1019, .state = static_cast<State>(st), .group1 = st % 2 == 0};
        EXPECT_EQ(v3::lr_to_v2(v3::lr_from_v2(r)).encode(), r.encode());
    }
}

TEST(GicV3, Sgi1rFields) {
    // INTID 5 to Aff3.Aff2.Aff1 = 1.2.3, Aff0 in {0, 2}.
    const uint64_t v = (1ull << 48) | (2ull << 32) | (3ull << 16) | (5ull << 24) | 0x5;
    const v3::Sgi1r s = v3::Sgi1r::decode(v);
    EXPECT_EQ(s.target_list, 0x5u);
    EXPECT_EQ(s.aff1, 3u);
    EXPECT_EQ(s.aff2, 2u);
    EXPECT_EQ(s.aff3, 1u);
    EXPECT_EQ(s.intid, 5u);
    EXPECT_FALSE(s.all_but_self);
    EXPECT_EQ(s.encode(), v);
    EXPECT_TRUE(v3::Sgi1r::decode(1ull << 40).all_but_self);
    EXPECT_EQ(v3::Sgi1r::decode(3ull << 44).range_selector, 3u);
    // The kernel's SGI to the core with MPIDR 0x80000003 (Aff0 3): TargetList bit 3.
    EXPECT_EQ(v3::Sgi1r::to_mpidr(0x80000003, 0).encode(), 0x8u);
    EXPECT_EQ(v3::Sgi1r::to_mpidr(0x100000112ull, 7).encode(),
              (1ull << 48) | (1ull << 16) | (7ull << 24) | (1ull << 2) | (1ull << 44));
}

TEST(GicV3, AffinityPacking) {
    // MPIDR Aff3 [39:32], U [30], MT [24]; GICR_TYPER and IROUTER keep the four fields only.
    const uint64_t mpidr = 0x0000000481020304ull;
    EXPECT_EQ(v3::affinity_of_mpidr(mpidr), 0x04020304u);
    EXPECT_EQ(v3::irouter_of_mpidr(mpidr), 0x0400020304ull);
}

TEST(GicV3, DistributorAndRedistributorFields) {
    namespace gicd = v3::gicd;
    namespace gicr = v3::gicr;
    EXPECT_EQ(gicd::irouter_offset(32), 0x6100u);
    EXPECT_EQ(gicd::irouter_offset(1019), 0x7fd8u);
    EXPECT_EQ(gicd::typer_lines(gicd::make_typer(288)), 288u);
    EXPECT_EQ(gicd::make_typer(288) >> 19 & 0x1f, 9u); // IDbits: 10-bit INTIDs
    EXPECT_EQ(v3::pidr2_arch_rev(v3::kPidr2ArchRev3), 3u);
    const uint64_t typer = gicr::make_typer(0x00000003, 3, true);
    EXPECT_EQ(gicr::typer_affinity(typer), 3u);
    EXPECT_EQ(typer & gicr::kTyperLast, gicr::kTyperLast);
    EXPECT_EQ(typer >> 8 & 0xffff, 3u);
    EXPECT_EQ(gicr::kStride, 0x20000u);
    EXPECT_EQ(v3::ich::vtr_list_registers(0x90000003), 4u);
}

} // namespace
