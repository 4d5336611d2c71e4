// vGICv3: the distributor frame (affinity routing, IROUTER, identification), the
// redistributors (one frame per vCPU, TYPER.Last, WAKER, SGI_base registers banked per
// vCPU, accesses outside a frame), the guest's ICC_SGI1R_EL1 writes routed to vCPUs, and
// what Linux's GICv3 driver does at boot, through to list registers.
#include <vmm/exit_loop.hpp>
#include <vmm/vgic_redistributors.hpp>
#include <vmm/vgic_v3_distributor.hpp>

#include "fake_list_registers.hpp"
#include "fake_log.hpp"

#include <gtest/gtest.h>

#include <array>

namespace vmm {
namespace {

namespace gicd = arm::gicv3::gicd;
namespace gicr = arm::gicv3::gicr;

struct VgicV3Test : ::testing::Test {
    test::FakeListRegisters cpu0{4}, cpu1{4}, cpu2{4};
    std::array<ListRegisters*, 3> vcpus{&cpu0, &cpu1, &cpu2};
    test::RecordingLog log;
    VgicDistributor core{288, vcpus, log};
    VgicV3Distributor dist{core};
    VgicRedistributors redist{core, log};

    uint64_t rd(MmioDevice& d, uint64_t offset, unsigned size = 4, unsigned vcpu = 0) {
        uint64_t v = 0xdeadbeef;
        EXPECT_TRUE(d.read(offset, size, vcpu, v)) << std::hex << offset;
        return v;
    }
    void wr(MmioDevice& d, uint64_t offset, uint64_t value, unsigned size = 4, unsigned vcpu = 0) {
        EXPECT_TRUE(d.write(offset, size, vcpu, value)) << std::hex << offset;
    }
    static uint64_t frame(unsigned vcpu) { return VgicRedistributors::kFrameSize * vcpu; }
    static uint64_t sgi_base(unsigned vcpu) { return frame(vcpu) + gicr::kSgiBase; }

    // What Linux 6.1's gic_dist_init / gic_cpu_init do (all Group 1, IROUTER to the boot
    // CPU), then enabling SPI `irq` and PPI 27 on every vCPU.
    void linux_init(unsigned spi) {
        wr(dist, gicd::kCtlr, 0);
        for (unsigned i = 32; i < 288; i += 32) {
            wr(dist, gicd::kIgroupr + i / 8, 0xffffffff);
            wr(dist, gicd::kIcenabler + i / 8, 0xffffffff);
        }
        for (unsigned i = 32; i < 288; i += 4)
            wr(dist, gicd::kIpriorityr + i, 0xa0a0a0a0);
        wr(dist, gicd::kCtlr, gicd::kCtlrAre | gicd::kCtlrEnableGrp1 | gicd::kCtlrEnableGrp0);
        for (unsigned i = 32; i < 288; ++i)
            wr(dist, gicd::irouter_offset(i), 0, 8);
        for (unsigned v = 0; v < 3; ++v) {
            wr(redist, frame(v) + gicr::kWaker, 0);
            EXPECT_EQ(rd(redist, frame(v) + gicr::kWaker), 0u);
            wr(redist, sgi_base(v) + gicr::kIgroupr0, 0xffffffff);
            wr(redist, sgi_base(v) + gicr::kIcenabler0, 0xffff0000);
            wr(redist, sgi_base(v) + gicr::kIsenabler0, 0x0000ffff);
            for (unsigned i = 0; i < 32; i += 4)
                wr(redist, sgi_base(v) + gicr::kIpriorityr + i, 0xa0a0a0a0);
            wr(redist, sgi_base(v) + gicr::kIsenabler0, 1u << 27);
        }
        wr(dist, gicd::kIsenabler + spi / 32 * 4, 1u << (spi % 32));
    }
};

TEST_F(VgicV3Test, DistributorIdentifiesAsGicV3WithAffinityRouting) {
    EXPECT_EQ(arm::gicv3::pidr2_arch_rev(static_cast<uint32_t>(rd(dist, gicd::kPidr2))), 3u);
    EXPECT_EQ(gicd::typer_lines(static_cast<uint32_t>(rd(dist, gicd::kTyper))), 288u);
    EXPECT_EQ(rd(dist, gicd::kTyper) >> 17 & 1, 0u); // no LPIs
    EXPECT_EQ(rd(dist, gicd::kCtlr), gicd::kCtlrAre | gicd::kCtlrDs);
    wr(dist, gicd::kCtlr, gicd::kCtlrEnableGrp1);
    EXPECT_TRUE(core.enabled());
    EXPECT_EQ(rd(dist, gicd::kCtlr), gicd::kCtlrAre | gicd::kCtlrDs | gicd::kCtlrEnableGrp1);
    wr(dist, gicd::kTyper, 0);
    EXPECT_EQ(gicd::typer_lines(static_cast<uint32_t>(rd(dist, gicd::kTyper))), 288u);
}

TEST_F(VgicV3Test, PrivateInterruptsAreNotInTheDistributor) {
    // With affinity routing INTIDs 0..31 are RAZ/WI in GICD: the redistributors hold them.
    wr(dist, gicd::kIsenabler, 0xffffffff);
    EXPECT_EQ(rd(dist, gicd::kIsenabler), 0u);
    EXPECT_FALSE(core.enabled(27, 0));
    wr(dist, gicd::kIpriorityr + 27, 0x80, 1);
    EXPECT_EQ(rd(dist, gicd::kIpriorityr + 27, 1), 0u);
}

TEST_F(VgicV3Test, IrouterRoutesAnSpiToTheVcpuOfThatAffinity) {
    linux_init(40);
    wr(dist, gicd::irouter_offset(40), 2, 8); // affinity 0.0.0.2
    EXPECT_EQ(rd(dist, gicd::irouter_offset(40), 8), 2u);
    ASSERT_TRUE(core.inject(40));
    ASSERT_TRUE(cpu2.lrs[0].has_value());
    EXPECT_EQ(cpu2.lrs[0]->virq, 40u);
    EXPECT_TRUE(cpu2.lrs[0]->group1); // Linux's GICv3 driver takes Group 1 only
    EXPECT_EQ(cpu0.in_use(), 0u);
    // 32-bit halves, IRM (any CPU) and an affinity nobody has: vCPU 0.
    wr(dist, gicd::irouter_offset(41), 0x80000000u, 4);
    EXPECT_EQ(rd(dist, gicd::irouter_offset(41), 8), gicd::kIrouterIrm);
    wr(dist, gicd::irouter_offset(41) + 4, 0x1, 4);
    EXPECT_EQ(rd(dist, gicd::irouter_offset(41) + 4, 4), 1u);
    // IROUTER of SGIs and PPIs is reserved.
    wr(dist, gicd::irouter_offset(5), 2, 8);
    EXPECT_EQ(rd(dist, gicd::irouter_offset(5), 8), 0u);
}

TEST_F(VgicV3Test, RedistributorFramesNameTheirVcpuAndTheLastOne) {
    EXPECT_EQ(redist.size(), 3 * 0x20000u);
    for (unsigned v = 0; v < 3; ++v) {
        const uint64_t typer = rd(redist, frame(v) + gicr::kTyper, 8);
        EXPECT_EQ(gicr::typer_affinity(typer), v);
        EXPECT_EQ((typer & gicr::kTyperLast) != 0, v == 2);
        EXPECT_EQ(typer & 1, 0u); // no physical LPIs
        EXPECT_EQ(rd(redist, frame(v) + gicr::kTyper + 4), v);
        EXPECT_EQ(
            arm::gicv3::pidr2_arch_rev(static_cast<uint32_t>(rd(redist, frame(v) + gicr::kPidr2))),
            3u);
    }
    // Asleep until woken (GICR_WAKER.ProcessorSleep resets to 1).
    EXPECT_EQ(rd(redist, frame(1) + gicr::kWaker),
              gicr::kWakerProcessorSleep | gicr::kWakerChildrenAsleep);
    wr(redist, frame(1) + gicr::kWaker, 0);
    EXPECT_EQ(rd(redist, frame(1) + gicr::kWaker), 0u);
    EXPECT_NE(rd(redist, frame(0) + gicr::kWaker), 0u);
}

TEST_F(VgicV3Test, SgiBaseRegistersAreBankedPerRedistributor) {
    // Any vCPU may program any redistributor: the frame decides whose PPI it is.
    wr(redist, sgi_base(1) + gicr::kIsenabler0, 1u << 27, 4, /*vcpu=*/0);
    EXPECT_TRUE(core.enabled(27, 1));
    EXPECT_FALSE(core.enabled(27, 0));
    EXPECT_EQ(rd(redist, sgi_base(1) + gicr::kIsenabler0) & (1u << 27), 1u << 27);
    wr(redist, sgi_base(2) + gicr::kIpriorityr + 27, 0x40, 1);
    EXPECT_EQ(core.priority(27, 2), 0x40u);
    EXPECT_EQ(rd(redist, sgi_base(2) + gicr::kIpriorityr + 24) >> 24, 0x40u);
    wr(redist, sgi_base(0) + gicr::kIcfgr1, 0xffffffff);
    EXPECT_NE(rd(redist, sgi_base(0) + gicr::kIcfgr1), 0u);
    EXPECT_EQ(rd(redist, sgi_base(1) + gicr::kIcfgr1), 0u);
}

TEST_F(VgicV3Test, AccessesOutsideTheFramesAreAnsweredAsTheArchitectureSays) {
    // Reserved registers inside a frame: RAZ/WI.
    EXPECT_EQ(rd(redist, frame(0) + 0x8000), 0u);
    wr(redist, frame(0) + 0x8000, 0xffffffff);
    EXPECT_EQ(rd(redist, sgi_base(2) + 0x4000), 0u);
    EXPECT_EQ(rd(redist, frame(1) + gicr::kPropbaser, 8), 0u); // no LPIs
    // Beyond the last vCPU's frame there is no redistributor: refused (the bus aborts).
    uint64_t v = 0;
    EXPECT_FALSE(redist.read(frame(3), 4, 0, v));
    EXPECT_FALSE(redist.write(frame(3) + gicr::kWaker, 4, 0, 0));
    EXPECT_FALSE(redist.read(~uint64_t{0} - 3, 4, 0, v));
    // Misaligned and odd-sized accesses to word registers: refused.
    EXPECT_FALSE(redist.read(frame(0) + gicr::kWaker + 1, 4, 0, v));
    EXPECT_FALSE(redist.read(frame(0) + gicr::kWaker, 2, 0, v));
    EXPECT_FALSE(dist.read(gicd::kCtlr + 2, 4, 0, v));
    EXPECT_FALSE(dist.read(VgicV3Distributor::kSize, 4, 0, v));
}

TEST_F(VgicV3Test, Sgi1rWritesReachTheNamedVcpus) {
    linux_init(40);
    // vCPU 0 sends SGI 1 to Aff0 1 and 2.
    redist.write_sgi1r(0, arm::gicv3::Sgi1r{.target_list = 0x6, .intid = 1}.encode());
    ASSERT_TRUE(cpu1.lrs[0].has_value());
    EXPECT_EQ(cpu1.lrs[0]->virq, 1u);
    EXPECT_TRUE(cpu1.lrs[0]->group1);
    ASSERT_TRUE(cpu2.lrs[0].has_value());
    EXPECT_EQ(cpu0.in_use(), 0u);
    // All but self (IRM) from vCPU 2: vCPUs 0 and 1.
    redist.write_sgi1r(2, arm::gicv3::Sgi1r{.intid = 3, .all_but_self = true}.encode());
    ASSERT_TRUE(cpu0.lrs[0].has_value());
    EXPECT_EQ(cpu0.lrs[0]->virq, 3u);
    EXPECT_EQ(cpu1.in_use(), 2u);
    EXPECT_EQ(cpu2.in_use(), 1u);
    EXPECT_TRUE(log.lines.empty());
}

TEST_F(VgicV3Test, SgisToVcpusThatDoNotExistAreLoggedAndIgnored) {
    linux_init(40);
    // Aff0 5 (only three vCPUs) and Aff1 1 (nobody): nothing delivered, logged.
    redist.write_sgi1r(0, arm::gicv3::Sgi1r{.target_list = 0x22, .intid = 2}.encode());
    EXPECT_EQ(cpu1.in_use(), 1u); // Aff0 1 exists
    redist.write_sgi1r(0, arm::gicv3::Sgi1r{.target_list = 0x1, .aff1 = 1, .intid = 2}.encode());
    EXPECT_EQ(cpu0.in_use(), 0u);
    ASSERT_EQ(log.lines.size(), 2u);
    EXPECT_NE(log.lines[0].find("only 3 vCPUs exist: ignored for 0x20"), std::string::npos);
    EXPECT_NE(log.lines[1].find("no such vCPU"), std::string::npos);
    // A storm: logged a few times, then only counted.
    for (int i = 0; i < 100; ++i)
        redist.write_sgi1r(0, arm::gicv3::Sgi1r{.target_list = 0, .aff2 = 9}.encode());
    EXPECT_LT(log.lines.size(), 20u);
}

TEST_F(VgicV3Test, TimerPpiAndSpiReachListRegistersAfterLinuxInit) {
    linux_init(40);
    ASSERT_TRUE(core.inject(27, 1));
    ASSERT_TRUE(cpu1.lrs[0].has_value());
    EXPECT_EQ(cpu1.lrs[0]->virq, 27u);
    EXPECT_EQ(cpu1.lrs[0]->priority, 0xa0u);
    ASSERT_TRUE(core.inject(40));
    ASSERT_TRUE(cpu0.lrs[0].has_value());
    EXPECT_EQ(cpu0.lrs[0]->virq, 40u);
    // Its EOI frees the list register for the next one.
    cpu0.guest_eoi(0);
    core.on_eoi(0, 0);
    ASSERT_TRUE(core.inject(40));
    EXPECT_EQ(cpu0.in_use(), 1u);
}

TEST_F(VgicV3Test, ResetPutsTheRedistributorsToSleepAndForgetsRoutes) {
    linux_init(40);
    wr(dist, gicd::irouter_offset(40), 2, 8);
    dist.reset();
    redist.reset();
    EXPECT_EQ(rd(dist, gicd::irouter_offset(40), 8), 0u);
    EXPECT_EQ(rd(dist, gicd::kCtlr), gicd::kCtlrAre | gicd::kCtlrDs);
    EXPECT_NE(rd(redist, frame(0) + gicr::kWaker), 0u);
}

// The exit loop hands a trapped ICC_SGI1R_EL1 write to the redistributors; other system
// registers stay ignored.
TEST_F(VgicV3Test, IsTheSystemRegisterHandlerForSgiRegisters) {
    const arm::SysRegIss sgi1r{.op0 = 3, .op2 = 5, .op1 = 0, .crn = 12, .rt = 1, .crm = 11};
    linux_init(40);
    EXPECT_TRUE(static_cast<SystemRegisterHandler&>(redist).write(sgi1r, 0, 0x01000002));
    ASSERT_TRUE(cpu1.lrs[0].has_value());
    EXPECT_EQ(cpu1.lrs[0]->virq, 1u);
    uint64_t v = 1;
    EXPECT_TRUE(static_cast<SystemRegisterHandler&>(redist).read(sgi1r, 0, v));
    EXPECT_EQ(v, 0u);
    const arm::SysRegIss cntp_ctl{.op0 = 3, .op2 = 1, .op1 = 3, .crn = 14, .rt = 1, .crm = 2};
    EXPECT_FALSE(static_cast<SystemRegisterHandler&>(redist).write(cntp_ctl, 0, 1));
}

} // namespace
} // namespace vmm
