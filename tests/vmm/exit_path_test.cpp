// A guest exit through the whole library, as the VM component will run it: syndrome ->
// decode -> MMIO bus -> vGIC distributor -> registers and list registers; an access to
// nothing -> log line -> injected external abort.
#include <vmm/abort_injection.hpp>
#include <vmm/mmio_bus.hpp>
#include <vmm/mmio_decode.hpp>
#include <vmm/vgic_distributor.hpp>

#include "fake_list_registers.hpp"
#include "fake_log.hpp"
#include "fake_vcpu.hpp"

#include <arch/esr.hpp>
#include <arch/pstate.hpp>
#include <gtest/gtest.h>

#include <array>

namespace vmm {
namespace {

constexpr uint64_t kGicd = 0x8000000;

struct ExitPathTest : ::testing::Test {
    test::RecordingLog log;
    test::FakeListRegisters lrs{4};
    std::array<ListRegisters*, 1> vcpus{&lrs};
    VgicDistributor gicd{288, vcpus, log};
    MmioBus bus{UnhandledAccessPolicy::InjectAbort, log};
    test::FakeVcpu vcpu;
    void SetUp() override {
        ASSERT_TRUE(bus.add("gicd", {base::GuestPhysAddr(kGicd), VgicDistributor::kSize}, gicd));
    }
    // ESR_EL2 of a data abort with a valid syndrome (ISV, DFSC level-3 translation fault).
    static uint64_t esr(unsigned sas, unsigned srt, bool write) {
        const arm::DataAbortIss iss{.isv = true,
                                    .sas = static_cast<uint8_t>(sas),
                                    .srt = static_cast<uint8_t>(srt),
                                    .wnr = write,
                                    .dfsc = 0x07};
        return arm::Esr::make(arm::ExceptionClass::DataAbortLower, iss.encode()).value;
    }
    ExitAction exit(uint64_t esr_value, uint64_t ipa) {
        MmioAccess access;
        const DataAbortFault fault{esr_value, 0xffff000000000000 | (ipa & 0xfff), (ipa >> 12) << 4};
        EXPECT_EQ(decode_data_abort(fault, nullptr, access), DecodeStatus::Ok);
        return bus.handle(access, 0, vcpu);
    }
};

TEST_F(ExitPathTest, GuestReadsGicdTyperIntoItsRegister) {
    ASSERT_EQ(exit(esr(2, 3, false), kGicd + VgicDistributor::kTyper), ExitAction::Resume);
    EXPECT_EQ(vcpu.x[3], 288u / 32 - 1);
    EXPECT_EQ(vcpu.program_counter, 0x1004u);
}

TEST_F(ExitPathTest, GuestEnablesTheUartIrqAndGetsItInAListRegister) {
    vcpu.x[1] = 1;
    ASSERT_EQ(exit(esr(2, 1, true), kGicd + VgicDistributor::kCtlr), ExitAction::Resume);
    vcpu.x[2] = 1u << 1; // IRQ 33
    ASSERT_EQ(exit(esr(2, 2, true), kGicd + VgicDistributor::kIsenabler + 4), ExitAction::Resume);
    vcpu.x[4] = 1; // ITARGETSR byte for IRQ 33: vCPU 0
    ASSERT_EQ(exit(esr(0, 4, true), kGicd + VgicDistributor::kItargetsr + 33), ExitAction::Resume);
    ASSERT_TRUE(gicd.inject(33));
    ASSERT_EQ(lrs.writes.size(), 1u);
    EXPECT_EQ(lrs.writes[0].second.virq, 33);
}

TEST_F(ExitPathTest, AccessToNothingIsLoggedAndBecomesAnAbort) {
    vcpu.program_counter = 0xffff800008001000;
    ASSERT_EQ(exit(esr(2, 0, false), 0x7ff00000), ExitAction::InjectAbort);
    ASSERT_EQ(log.lines.size(), 1u);
    EXPECT_EQ(log.lines[0], "vmm: unhandled guest read of 4 bytes at 0x7ff00000 pc "
                            "0xffff800008001000 reg x0: injecting abort");
    const El1ExceptionEntry entry = external_data_abort(
        {vcpu.program_counter, arm::pstate::kEl1hMasked, 0xffff800008010000, 0x7ff00000, false});
    EXPECT_EQ(entry.elr_el1, 0xffff800008001000u);
    EXPECT_EQ(entry.pc, 0xffff800008010200u);
}

TEST_F(ExitPathTest, ByteAccessToAWordRegisterIsRefusedLikeAnUnbackedOne) {
    ASSERT_EQ(exit(esr(0, 0, false), kGicd + VgicDistributor::kCtlr), ExitAction::InjectAbort);
    EXPECT_EQ(log.lines.size(), 1u);
}

} // namespace
} // namespace vmm
