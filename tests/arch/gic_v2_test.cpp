// GICv2 facts: list-register words as the GICH_LRn description lays them out, and the
// distributor and hypervisor-frame field helpers.
#include <arch/gic_v2.hpp>
#include <arch/list_register.hpp>

#include <gtest/gtest.h>

namespace {

using arm::gicv2::ListRegister;
using State = ListRegister::State;

TEST(ListRegister, SoftwareInterruptWithEoiMaintenance) {
    // vINTID 33 pending, priority 0xa0 (bits [7:3] = 20 at [27:23]), EOI (bit 19).
    const ListRegister r{
        .virq = 33, .state = State::Pending, .priority = 0xa0, .eoi_maintenance = true};
    EXPECT_EQ(r.encode(), 0x1a080021u);
    EXPECT_EQ(ListRegister::decode(0x1a080021u), r);
}

TEST(ListRegister, SgiCarriesItsSourceCpu) {
    // SGI 3 from CPU 5, group 1, active and pending.
    const ListRegister r{.virq = 3,
                         .state = State::PendingActive,
                         .priority = 0x80,
                         .group1 = true,
                         .source_cpu = 5};
    EXPECT_EQ(r.encode(), 0x78001403u);
    EXPECT_EQ(ListRegister::decode(r.encode()), r);
}

TEST(ListRegister, HardwareInterruptNamesThePhysicalId) {
    // The virtual timer as a HW interrupt: vINTID 27 = pINTID 27, pending, priority 0xa0.
    const ListRegister r{
        .virq = 27, .state = State::Pending, .priority = 0xa0, .hw = true, .physical_id = 27};
    EXPECT_EQ(r.encode(), 0x9a006c1bu);
    const ListRegister back = ListRegister::decode(0x9a006c1bu);
    EXPECT_EQ(back, r);
    EXPECT_FALSE(back.eoi_maintenance); // bit 19 is part of the physical ID with HW set
}

TEST(ListRegister, EmptyIsZeroAndMasksMatchTheFields) {
    EXPECT_EQ(ListRegister{}.encode(), 0u);
    EXPECT_EQ(ListRegister::decode(0).state, State::Invalid);
    namespace lr = arm::gicv2::lr;
    EXPECT_EQ(ListRegister{.state = State::Pending}.encode(), lr::kPending);
    EXPECT_EQ(ListRegister{.state = State::Active}.encode(), lr::kActive);
    EXPECT_EQ(ListRegister{.state = State::PendingActive}.encode(), lr::kStateMask);
    EXPECT_EQ(ListRegister{.eoi_maintenance = true}.encode(), lr::kEoi);
    EXPECT_EQ(ListRegister{.group1 = true}.encode(), lr::kGroup1);
    EXPECT_EQ(ListRegister{.hw = true}.encode(), lr::kHw);
    // Only priority bits [7:3] survive.
    EXPECT_EQ(ListRegister::decode(ListRegister{.priority = 0xa7}.encode()).priority, 0xa0);
}

TEST(GicV2, DistributorFields) {
    namespace gicd = arm::gicv2::gicd;
    // QEMU virt's GICv2: ITLinesNumber 8 (288 lines), one CPU.
    EXPECT_EQ(gicd::typer_lines(0x8), 288u);
    EXPECT_EQ(gicd::make_typer(288, 1), 0x8u);
    EXPECT_EQ(gicd::make_typer(96, 2), 0x22u);
    EXPECT_EQ(gicd::icfgr_offset(33), 0xc08u);
    EXPECT_EQ(gicd::icfgr_edge_bit(33), 1u << 3);
    EXPECT_EQ(gicd::icfgr_edge_bit(47), 1u << 31);
    // SGIR: SGI 5 to CPUs 0 and 2; to all but self.
    EXPECT_EQ(gicd::sgir_filter(0x00050005), gicd::SgiFilter::TargetList);
    EXPECT_EQ(gicd::sgir_targets(0x00050005), 5u);
    EXPECT_EQ(gicd::sgir_intid(0x00050005), 5u);
    EXPECT_EQ(gicd::sgir_filter(0x01000001), gicd::SgiFilter::AllButSelf);
    EXPECT_EQ(gicd::kPidr4, 0xfd0u);
}

TEST(GicV2, CpuAndHypervisorFrames) {
    namespace gich = arm::gicv2::gich;
    EXPECT_EQ(gich::lr_offset(0), 0x100u);
    EXPECT_EQ(gich::lr_offset(3), 0x10cu);
    EXPECT_EQ(gich::vtr_list_registers(0x90000003), 4u); // QEMU: 4 list registers
    EXPECT_EQ(arm::gicv2::iar_intid(0x1c01), 1u);        // SGI 1 from CPU 7
    EXPECT_EQ(arm::gicv2::iar_intid(arm::gicv2::kSpuriousIntid), 1023u);
    EXPECT_EQ(arm::gicv2::gicc::kEoir, 0x10u);
    EXPECT_EQ(arm::gicv2::gicc::kAiar, 0x20u); // IHI 0048B table 4-2
    EXPECT_EQ(arm::gicv2::gicc::kAeoir, 0x24u);
}

} // namespace
