// vGIC distributor: register semantics (GICv2 spec), list-register delivery with
// overflow queue, EOI maintenance and passthrough acknowledgement, SGIs.
#include <vmm/vgic_distributor.hpp>

#include "fake_list_registers.hpp"
#include "fake_log.hpp"

#include <gtest/gtest.h>

#include <array>

namespace vmm {
namespace {

using D = VgicDistributor;

struct VgicTest : ::testing::Test {
    test::FakeListRegisters cpu0{4}, cpu1{4};
    std::array<ListRegisters*, 2> vcpus{&cpu0, &cpu1};
    test::RecordingLog log;
    D gicd{288, vcpus, log};

    uint32_t rd(uint64_t offset, unsigned vcpu = 0, unsigned size = 4) {
        uint64_t v = 0xdeadbeef;
        EXPECT_TRUE(gicd.read(offset, size, vcpu, v)) << std::hex << offset;
        return static_cast<uint32_t>(v);
    }
    void wr(uint64_t offset, uint32_t value, unsigned vcpu = 0, unsigned size = 4) {
        EXPECT_TRUE(gicd.write(offset, size, vcpu, value)) << std::hex << offset;
    }
    // Distributor on, SPIs first..last-1 enabled, targeted at vCPU 0 and raised in order.
    void inject_spis_to_vcpu0(unsigned first, unsigned last) {
        wr(D::kCtlr, 1);
        for (unsigned irq = first; irq < last; ++irq) {
            wr(D::kItargetsr + irq, 1, 0, 1);
            wr(D::kIsenabler + uint64_t{irq / 32} * 4, 1u << (irq % 32));
            ASSERT_TRUE(gicd.inject(irq));
        }
    }
    // What Linux's gic_dist_init and gic_cpu_init do, then enabling SPI `irq`.
    void linux_init_and_enable(unsigned irq) {
        wr(D::kCtlr, 0);
        for (unsigned i = 32; i < 288; i += 4)
            wr(D::kItargetsr + i, 0x01010101);
        for (unsigned i = 32; i < 288; i += 16)
            wr(D::kIcfgr + i / 4, 0);
        for (unsigned i = 0; i < 288; i += 4)
            wr(D::kIpriorityr + i, 0xa0a0a0a0);
        for (unsigned i = 0; i < 288; i += 32) {
            wr(D::kIcactiver + i / 8, 0xffffffff);
            wr(D::kIcenabler + i / 8, 0xffffffff);
        }
        wr(D::kCtlr, 1);
        wr(D::kIsenabler + irq / 32 * 4, 1u << (irq % 32));
    }
};

TEST_F(VgicTest, IdentificationRegisters) {
    EXPECT_EQ(rd(D::kTyper), (288u / 32 - 1) | (1u << 5)); // ITLinesNumber, CPUNumber = 2-1
    EXPECT_EQ(rd(D::kIidr), D::kIidrValue);
    EXPECT_EQ(rd(0xfe8) >> 4 & 0xf, 2u); // PIDR2.ArchRev = GICv2
    EXPECT_EQ(rd(0xff0), 0x0du);
    EXPECT_EQ(rd(0xffc), 0xb1u);
    wr(D::kTyper, 0);
    EXPECT_EQ(rd(D::kTyper), (288u / 32 - 1) | (1u << 5)); // read-only
}

TEST_F(VgicTest, ControlEnablesTheDistributor) {
    EXPECT_EQ(rd(D::kCtlr), 0u);
    wr(D::kCtlr, 1);
    EXPECT_EQ(rd(D::kCtlr), 1u);
}

TEST_F(VgicTest, SetAndClearEnableRegisters) {
    wr(D::kIsenabler + 4, 0x3);
    EXPECT_EQ(rd(D::kIsenabler + 4), 0x3u);
    EXPECT_EQ(rd(D::kIcenabler + 4), 0x3u); // both views read the enable bits
    wr(D::kIcenabler + 4, 0x1);
    EXPECT_EQ(rd(D::kIsenabler + 4), 0x2u);
    wr(D::kIsenabler + 4, 0x0); // zeros do nothing
    EXPECT_EQ(rd(D::kIsenabler + 4), 0x2u);
    // SGIs are always enabled; PPIs are banked per vCPU.
    wr(D::kIcenabler, 0xffffffff);
    EXPECT_EQ(rd(D::kIsenabler), 0x0000ffffu);
    wr(D::kIsenabler, 1u << 27, 1);
    EXPECT_EQ(rd(D::kIsenabler, 1), 0x0800ffffu);
    EXPECT_EQ(rd(D::kIsenabler, 0), 0x0000ffffu);
}

TEST_F(VgicTest, PrioritiesAreByteAccessibleWithFiveBits) {
    wr(D::kIpriorityr + 32, 0xa0a0a0a0);
    EXPECT_EQ(rd(D::kIpriorityr + 33, 0, 1), 0xa0u);
    wr(D::kIpriorityr + 34, 0xff, 0, 1);
    EXPECT_EQ(rd(D::kIpriorityr + 32), 0xa0f8a0a0u);
    EXPECT_EQ(gicd.priority(34), 0xf8);
    wr(D::kIpriorityr + 27, 0x10, 1, 1); // banked PPI
    EXPECT_EQ(gicd.priority(27, 1), 0x10);
    EXPECT_EQ(gicd.priority(27, 0), 0);
}

TEST_F(VgicTest, TargetsAreReadOnlyBankedForSgiAndPpi) {
    EXPECT_EQ(rd(D::kItargetsr), 0x01010101u);
    EXPECT_EQ(rd(D::kItargetsr + 28, 1), 0x02020202u);
    wr(D::kItargetsr, 0x02020202);
    EXPECT_EQ(rd(D::kItargetsr), 0x01010101u);
    wr(D::kItargetsr + 33, 0xff, 0, 1); // only existing vCPUs can be targets
    EXPECT_EQ(rd(D::kItargetsr + 32), 0x00000300u);
}

TEST_F(VgicTest, ConfigurationIsFixedEdgeForSgis) {
    EXPECT_EQ(rd(D::kIcfgr), 0xaaaaaaaau);
    wr(D::kIcfgr, 0);
    EXPECT_EQ(rd(D::kIcfgr), 0xaaaaaaaau);
    wr(D::kIcfgr + 4, 0x80000000); // PPI 31 edge
    EXPECT_EQ(rd(D::kIcfgr + 4), 0x80000000u);
    wr(D::kIcfgr + 8, 0x0000000a); // SPIs 32, 33 edge
    EXPECT_EQ(rd(D::kIcfgr + 8), 0x0000000au);
}

TEST_F(VgicTest, GroupsAndActiveBits) {
    wr(D::kIgroupr + 4, 0x5);
    EXPECT_EQ(rd(D::kIgroupr + 4), 0x5u);
    wr(D::kIsactiver + 4, 0x6);
    EXPECT_EQ(rd(D::kIsactiver + 4), 0x6u);
    wr(D::kIcactiver + 4, 0x2);
    EXPECT_EQ(rd(D::kIcactiver + 4), 0x4u);
}

TEST_F(VgicTest, PendingRegistersSetAndClearButNotForSgis) {
    wr(D::kIspendr + 4, 0x1); // IRQ 32, disabled: stays pending in the distributor
    EXPECT_EQ(rd(D::kIspendr + 4), 0x1u);
    EXPECT_TRUE(gicd.pending(32));
    wr(D::kIcpendr + 4, 0x1);
    EXPECT_EQ(rd(D::kIspendr + 4), 0x0u);
    wr(D::kIspendr, 0x1); // SGI 0: only through SPENDSGIR
    EXPECT_EQ(rd(D::kIspendr), 0x0u);
    EXPECT_TRUE(cpu0.writes.empty());
}

TEST_F(VgicTest, ReservedSpaceIsRazWiAndBadSizesAreRefused) {
    EXPECT_EQ(rd(0x00c), 0u);
    wr(0x00c, 0xffffffff);
    EXPECT_EQ(rd(D::kSgir), 0u); // write-only
    uint64_t v = 0;
    EXPECT_FALSE(gicd.read(D::kCtlr, 1, 0, v));           // byte access to a word register
    EXPECT_FALSE(gicd.read(D::kIsenabler, 8, 0, v));      // doubleword
    EXPECT_FALSE(gicd.read(D::kIpriorityr + 2, 4, 0, v)); // misaligned word
    EXPECT_FALSE(gicd.write(D::kIpriorityr, 2, 0, 0));    // halfword
    EXPECT_FALSE(gicd.read(D::kCtlr, 4, 2, v));           // no such vCPU
    EXPECT_FALSE(gicd.read(D::kSize, 4, 0, v));
}

TEST_F(VgicTest, EnabledPendingInterruptGoesIntoAListRegister) {
    linux_init_and_enable(33);
    ASSERT_TRUE(gicd.inject(33));
    ASSERT_EQ(cpu0.writes.size(), 1u);
    const auto& [index, entry] = cpu0.writes[0];
    EXPECT_EQ(index, 0u);
    EXPECT_EQ(entry.virq, 33);
    EXPECT_EQ(entry.priority, 0xa0);
    EXPECT_EQ(entry.state, ListRegisterEntry::State::Pending);
    EXPECT_TRUE(entry.eoi_maintenance);
    // GICH_LR: pending (bit 28), priority 0xa0>>3 = 20 at [27:23], EOI (bit 19), vID 33.
    EXPECT_EQ(entry.encode(), 0x1a080021u);
    EXPECT_TRUE(cpu1.writes.empty());
    EXPECT_EQ(rd(D::kIspendr + 4), 0x2u); // reported pending while in the list register
}

TEST_F(VgicTest, DisabledOrUntargetedInterruptWaitsUntilEnabled) {
    wr(D::kCtlr, 1);
    ASSERT_TRUE(gicd.inject(40));
    EXPECT_TRUE(cpu0.writes.empty());
    wr(D::kIsenabler + 4, 1u << 8);
    EXPECT_TRUE(cpu0.writes.empty()); // no target yet
    wr(D::kItargetsr + 40, 0x02, 0, 1);
    ASSERT_EQ(cpu1.writes.size(), 1u);
    EXPECT_EQ(cpu1.writes[0].second.virq, 40);
    EXPECT_FALSE(gicd.inject(288));
}

TEST_F(VgicTest, DistributorDisabledHoldsEverythingBack) {
    linux_init_and_enable(33);
    wr(D::kCtlr, 0);
    ASSERT_TRUE(gicd.inject(33));
    EXPECT_TRUE(cpu0.writes.empty());
    wr(D::kCtlr, 1);
    EXPECT_EQ(cpu0.writes.size(), 1u);
}

class CountingAck final : public IrqAcknowledger {
public:
    std::vector<unsigned> acked;
    void acknowledge(unsigned irq) override { acked.push_back(irq); }
};

TEST_F(VgicTest, EoiMaintenanceFreesTheListRegisterAndAcksPassthrough) {
    CountingAck ack;
    ASSERT_TRUE(gicd.set_acknowledger(33, ack));
    EXPECT_FALSE(gicd.set_acknowledger(27, ack)); // passthrough is for SPIs
    linux_init_and_enable(33);
    ASSERT_TRUE(gicd.inject(33));
    ASSERT_TRUE(gicd.inject(33)); // still in the list register: held, not duplicated
    EXPECT_EQ(cpu0.writes.size(), 1u);
    EXPECT_TRUE(ack.acked.empty());
    cpu0.guest_eoi(0);
    gicd.on_eoi(0, 0);
    ASSERT_EQ(ack.acked.size(), 1u);
    EXPECT_EQ(ack.acked[0], 33u);
    ASSERT_EQ(cpu0.writes.size(), 2u); // the held one goes in now
    EXPECT_EQ(cpu0.writes[1].first, 0u);
    cpu0.guest_eoi(0);
    gicd.on_eoi(0, 0);
    EXPECT_EQ(ack.acked.size(), 2u);
    EXPECT_FALSE(gicd.pending(33));
}

TEST_F(VgicTest, OverflowQueueRefillsListRegistersInOrder) {
    inject_spis_to_vcpu0(40, 46);
    EXPECT_EQ(cpu0.in_use(), 4u);
    EXPECT_EQ(gicd.queued(0), 2u);
    cpu0.guest_eoi(2);
    gicd.on_eoi(0, 2);
    EXPECT_EQ(cpu0.lrs[2]->virq, 44);
    EXPECT_EQ(gicd.queued(0), 1u);
    // A queued interrupt disabled meanwhile is skipped, and delivered once re-enabled.
    wr(D::kIcenabler + 4, 1u << (45 - 32));
    cpu0.guest_eoi(0);
    gicd.on_eoi(0, 0);
    EXPECT_FALSE(cpu0.lrs[0].has_value());
    EXPECT_EQ(gicd.queued(0), 0u);
    wr(D::kIsenabler + 4, 1u << (45 - 32));
    EXPECT_EQ(cpu0.lrs[0]->virq, 45);
}

TEST_F(VgicTest, SpuriousMaintenanceIsLogged) {
    gicd.on_eoi(0, 3);
    gicd.on_eoi(7, 0);
    ASSERT_EQ(log.lines.size(), 2u);
    EXPECT_EQ(log.lines[0], "vgic: maintenance for unused list register 3 on vcpu 0");
}

TEST_F(VgicTest, SgiGenerationWithTargetFilters) {
    wr(D::kCtlr, 1);
    wr(D::kSgir, (0u << 24) | (0x2u << 16) | 5); // list: vCPU 1, SGI 5
    ASSERT_EQ(cpu1.writes.size(), 1u);
    EXPECT_EQ(cpu1.writes[0].second.virq, 5);
    EXPECT_EQ(cpu1.writes[0].second.source_cpu, 0);
    EXPECT_EQ(cpu1.writes[0].second.encode() >> 10 & 7, 0u);

    wr(D::kSgir, (1u << 24) | 3, 1); // all but self, from vCPU 1
    ASSERT_EQ(cpu0.writes.size(), 1u);
    EXPECT_EQ(cpu0.writes[0].second.virq, 3);
    EXPECT_EQ(cpu0.writes[0].second.source_cpu, 1);

    wr(D::kSgir, (2u << 24) | 7, 1); // self only
    EXPECT_EQ(cpu1.writes.back().second.virq, 7);
    EXPECT_EQ(cpu1.writes.back().second.source_cpu, 1);
    wr(D::kSgir, (3u << 24) | 7); // reserved filter: nothing
    EXPECT_EQ(cpu0.writes.size() + cpu1.writes.size(), 3u);
}

// SGIs to CPUs the VM does not have: ignored, as the GIC ignores absent targets, and
// logged (rate-limited); the existing targets still get theirs.
TEST_F(VgicTest, SgisToVcpusThatDoNotExistAreLoggedAndIgnored) {
    wr(D::kCtlr, 1);
    wr(D::kSgir, (0xf0u << 16) | 4); // vCPUs 4..7: none exist
    EXPECT_TRUE(cpu0.writes.empty());
    EXPECT_TRUE(cpu1.writes.empty());
    ASSERT_EQ(log.lines.size(), 1u);
    EXPECT_EQ(log.lines[0], "vgic: vCPU 0 sent SGI 4 to CPU targets 0xf0; only 2 vCPUs exist: "
                            "ignored for 0xf0");
    wr(D::kSgir, (0x06u << 16) | 4); // vCPU 1 and a missing vCPU 2
    EXPECT_EQ(cpu1.writes.size(), 1u);
    for (int i = 0; i < 100; ++i)
        wr(D::kSgir, (0x80u << 16) | 4);
    EXPECT_LT(log.lines.size(), 20u); // a storm is summarised, not logged line by line
}

TEST_F(VgicTest, SgiSourcesAreDeliveredOneAtATime) {
    wr(D::kCtlr, 1);
    wr(D::kSgir, (0x1u << 16) | 2, 0); // SGI 2 to vCPU 0 from 0
    wr(D::kSgir, (0x1u << 16) | 2, 1); // and from 1: held while the first is in an LR
    ASSERT_EQ(cpu0.writes.size(), 1u);
    EXPECT_EQ(rd(D::kSpendsgir, 0) >> 16 & 0xff, 0x2u); // SGI 2: source 1 still pending
    cpu0.guest_eoi(0);
    gicd.on_eoi(0, 0);
    ASSERT_EQ(cpu0.writes.size(), 2u);
    EXPECT_EQ(cpu0.writes[1].second.source_cpu, 1);
}

TEST_F(VgicTest, SetAndClearSgiPendingRegisters) {
    wr(D::kSpendsgir + 1, 0x3, 0, 1); // SGI 1, sources 0 and 1, distributor disabled
    EXPECT_EQ(rd(D::kSpendsgir), 0x0300u);
    EXPECT_EQ(rd(D::kCpendsgir), 0x0300u); // both views
    EXPECT_EQ(rd(D::kSpendsgir, 1), 0u);   // banked
    EXPECT_EQ(rd(D::kIspendr) & 0x2, 0x2u);
    wr(D::kCpendsgir, 0x0100);
    EXPECT_EQ(rd(D::kSpendsgir), 0x0200u);
    wr(D::kSpendsgir + 2, 0xfc, 0, 1); // only existing vCPUs can be sources
    EXPECT_EQ(rd(D::kSpendsgir + 2, 0, 1), 0u);
}

TEST_F(VgicTest, PpisAreBankedPerVcpu) {
    wr(D::kCtlr, 1);
    wr(D::kIsenabler, 1u << 27, 1);
    ASSERT_TRUE(gicd.inject(27, 0)); // vCPU 0's copy is disabled
    EXPECT_TRUE(cpu0.writes.empty());
    ASSERT_TRUE(gicd.inject(27, 1));
    ASSERT_EQ(cpu1.writes.size(), 1u);
    EXPECT_EQ(cpu1.writes[0].second.virq, 27);
}

TEST_F(VgicTest, LevelLinesRedeliverAfterEoiWhileHigh) {
    linux_init_and_enable(48);
    ASSERT_TRUE(gicd.set_level(48, true));
    ASSERT_EQ(cpu0.writes.size(), 1u);
    cpu0.guest_eoi(0);
    gicd.on_eoi(0, 0); // the device has not been serviced: the line is still high
    ASSERT_EQ(cpu0.writes.size(), 2u);
    EXPECT_EQ(cpu0.writes[1].second.virq, 48);
    ASSERT_TRUE(gicd.set_level(48, false)); // the guest's handler cleared the device
    cpu0.guest_eoi(0);
    gicd.on_eoi(0, 0);
    EXPECT_EQ(cpu0.writes.size(), 2u);
    EXPECT_FALSE(gicd.pending(48));
    // Lowered before delivery: withdrawn.
    wr(D::kCtlr, 0);
    ASSERT_TRUE(gicd.set_level(48, true));
    ASSERT_TRUE(gicd.set_level(48, false));
    wr(D::kCtlr, 1);
    EXPECT_EQ(cpu0.writes.size(), 2u);
    EXPECT_FALSE(gicd.set_level(3, true)); // SGIs have no line
}

// EOI reports (vcpu_abi.hpp): an emulated device's interrupt lets its EOI ride on the vCPU's
// next exit; a passed-through one, whose physical interrupt stays masked until the guest's
// EOI is known, asks for it at once.
TEST_F(VgicTest, OnlyPassthroughInterruptsAskForTheirEoiAtOnce) {
    CountingAck ack;
    ASSERT_TRUE(gicd.set_acknowledger(33, ack));
    linux_init_and_enable(33);
    wr(D::kIsenabler + 4, 1u << (40 - 32));
    ASSERT_TRUE(gicd.inject(40));
    ASSERT_TRUE(gicd.inject(33));
    ASSERT_EQ(cpu0.reports.size(), 2u);
    EXPECT_EQ(cpu0.reports[0], EoiReport::WithNextExit);
    EXPECT_EQ(cpu0.reports[1], EoiReport::AtOnce);
    EXPECT_EQ(cpu0.eoi_at_once_requests, 0u); // nothing waits for a list register
}

// An SGI whose list register names one sender while another waits: its EOI is wanted at
// once (the next sender's delivery waits for it); the last sender's is not.
TEST_F(VgicTest, SgisWithMoreSendersPendingAskForTheirEoiAtOnce) {
    wr(D::kSpendsgir, 0x3u << 16); // SGI 2 from vCPUs 0 and 1, delivered once enabled
    wr(D::kCtlr, 1);
    ASSERT_EQ(cpu0.writes.size(), 1u);
    EXPECT_EQ(cpu0.reports[0], EoiReport::AtOnce);
    cpu0.guest_eoi(0);
    gicd.on_eoi(0, 0);
    ASSERT_EQ(cpu0.writes.size(), 2u);
    EXPECT_EQ(cpu0.writes[1].second.source_cpu, 1);
    EXPECT_EQ(cpu0.reports[1], EoiReport::WithNextExit);
}

// Raised again while still in a list register (an edge, a level line that went low and
// high), or waiting for a free list register: the VMM asks for the vCPU's next EOI report
// at once. Raising a level line that is high already is no new event and asks nothing.
TEST_F(VgicTest, AnInterruptWaitingForAListRegisterAsksForTheEoiReportAtOnce) {
    linux_init_and_enable(48);
    ASSERT_TRUE(gicd.set_level(48, true));
    ASSERT_EQ(cpu0.writes.size(), 1u);
    EXPECT_EQ(cpu0.reports[0], EoiReport::WithNextExit);
    ASSERT_TRUE(gicd.set_level(48, true)); // high already
    EXPECT_EQ(cpu0.eoi_at_once_requests, 0u);
    ASSERT_TRUE(gicd.set_level(48, false)); // the guest's handler cleared the device
    ASSERT_TRUE(gicd.set_level(48, true));  // and a new event came before its EOI
    EXPECT_EQ(cpu0.eoi_at_once_requests, 1u);
    EXPECT_EQ(cpu0.writes.size(), 1u) << "held until the EOI";
    cpu0.guest_eoi(0);
    gicd.on_eoi(0, 0);
    ASSERT_EQ(cpu0.writes.size(), 2u);
    // An edge raised again while in its list register.
    wr(D::kIsenabler + 4, 1u << (50 - 32));
    ASSERT_TRUE(gicd.inject(50));
    const unsigned before = cpu0.eoi_at_once_requests;
    ASSERT_TRUE(gicd.inject(50));
    EXPECT_EQ(cpu0.eoi_at_once_requests, before + 1);
    // Out of list registers: 48 and 50 hold two of four; two more fill them, the fifth
    // waits in the queue and asks; the list register written while it waits asks too.
    for (unsigned irq = 51; irq < 54; ++irq) {
        wr(D::kIsenabler + 4, 1u << (irq - 32));
        ASSERT_TRUE(gicd.inject(irq));
    }
    EXPECT_EQ(gicd.queued(0), 1u);
    EXPECT_EQ(cpu0.eoi_at_once_requests, before + 2);
    // 48's EOI: 53 takes its list register, and 48 (its line still high) waits now.
    cpu0.guest_eoi(0);
    gicd.on_eoi(0, 0);
    EXPECT_EQ(cpu0.writes.back().second.virq, 53);
    EXPECT_EQ(gicd.queued(0), 1u);
    EXPECT_EQ(cpu0.eoi_at_once_requests, before + 3);
}

// A list register filled from the queue while more interrupts wait there: its EOI is
// wanted at once; the last one's is not.
TEST_F(VgicTest, AListRegisterFilledWhileOthersWaitAsksForItsEoiAtOnce) {
    inject_spis_to_vcpu0(40, 46);
    EXPECT_EQ(gicd.queued(0), 2u);
    EXPECT_EQ(cpu0.eoi_at_once_requests, 2u);
    cpu0.guest_eoi(1);
    gicd.on_eoi(0, 1);
    EXPECT_EQ(cpu0.writes.back().second.virq, 44);
    EXPECT_EQ(cpu0.reports.back(), EoiReport::AtOnce) << "45 waits";
    cpu0.guest_eoi(1);
    gicd.on_eoi(0, 1);
    EXPECT_EQ(cpu0.writes.back().second.virq, 45);
    EXPECT_EQ(cpu0.reports.back(), EoiReport::WithNextExit);
}

} // namespace
} // namespace vmm
