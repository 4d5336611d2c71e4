// vPSCI: every function Linux calls, their return codes, and the actions they ask for.
#include <vmm/vpsci.hpp>

#include <gtest/gtest.h>

namespace vmm {
namespace {

using Effect = PsciAction::Effect;

TEST(Vpsci, VersionFeaturesAndMigrateInfo) {
    Vpsci psci(1);
    EXPECT_EQ(psci.handle(0, {psci::kVersion}).result, 0x10000);
    EXPECT_EQ(psci.handle(0, {psci::kFeatures, psci::kCpuOn64}).result, psci::kSuccess);
    EXPECT_EQ(psci.handle(0, {psci::kFeatures, psci::kSystemReset}).result, psci::kSuccess);
    EXPECT_EQ(psci.handle(0, {psci::kFeatures, psci::kCpuSuspend64}).result, psci::kNotSupported);
    // SMCCC_VERSION is there (the SmcccDispatcher answers it): Linux asks before calling it.
    EXPECT_EQ(psci.handle(0, {psci::kFeatures, smccc::kVersion}).result, psci::kSuccess);
    EXPECT_EQ(psci.handle(0, {psci::kFeatures, smccc::kArchFeatures}).result, psci::kNotSupported);
    EXPECT_EQ(psci.handle(0, {psci::kMigrateInfoType}).result, 2);
    EXPECT_EQ(psci.handle(0, {psci::kVersion}).effect, Effect::None);
}

TEST(Vpsci, UnknownFunctionsAreNotSupported) {
    Vpsci psci(1);
    for (uint64_t id :
         {uint64_t{0x84000005}, uint64_t{0xc4000012}, uint64_t{0x80000000}, uint64_t{0x86000000},
          uint64_t{0}, uint64_t{0x1'84000000}, uint64_t{psci::kCpuSuspend32}}) {
        const PsciAction a = psci.handle(0, {id});
        EXPECT_EQ(a.result, psci::kNotSupported) << std::hex << id;
        EXPECT_EQ(a.effect, Effect::None);
    }
}

TEST(Vpsci, SystemOffAndReset) {
    Vpsci psci(1);
    EXPECT_EQ(psci.handle(0, {psci::kSystemOff}).effect, Effect::SystemOff);
    EXPECT_EQ(psci.handle(0, {psci::kSystemReset}).effect, Effect::SystemReset);
}

TEST(Vpsci, CpuOnStartsASecondaryOnceAndAffinityInfoFollows) {
    Vpsci psci(2);
    EXPECT_EQ(psci.handle(0, {psci::kAffinityInfo64, 1, 0}).result, psci::kAffinityOff);
    PsciAction a = psci.handle(0, {psci::kCpuOn64, 1, 0x40201000, 0xc0ffee});
    EXPECT_EQ(a.effect, Effect::StartVcpu);
    EXPECT_EQ(a.result, psci::kSuccess);
    EXPECT_EQ(a.target, 1u);
    EXPECT_EQ(a.entry, 0x40201000u);
    EXPECT_EQ(a.context_id, 0xc0ffeeu);
    EXPECT_EQ(psci.handle(0, {psci::kAffinityInfo64, 1, 0}).result, psci::kAffinityOnPending);
    EXPECT_EQ(psci.handle(0, {psci::kCpuOn64, 1, 0x40201000, 0}).result, psci::kOnPending);
    psci.vcpu_running(1);
    EXPECT_EQ(psci.handle(0, {psci::kAffinityInfo64, 1, 0}).result, psci::kAffinityOn);
    a = psci.handle(0, {psci::kCpuOn64, 1, 0x40201000, 0});
    EXPECT_EQ(a.result, psci::kAlreadyOn);
    EXPECT_EQ(a.effect, Effect::None);
    EXPECT_EQ(psci.handle(0, {psci::kCpuOn64, 0, 0, 0}).result, psci::kAlreadyOn);
}

// A CPU_ON entry point outside guest RAM or not 4-byte aligned: INVALID_ADDRESS, and
// the target stays off. An ALREADY_ON target is that whatever the entry.
TEST(Vpsci, CpuOnRefusesEntryPointsOutsideGuestRam) {
    Vpsci psci(2);
    psci.set_entry_range({base::GuestPhysAddr{0x40000000}, 0x20000000});
    for (uint64_t entry : {uint64_t{0x1000}, uint64_t{0x60000000}, uint64_t{0x40000002}}) {
        const PsciAction a = psci.handle(0, {psci::kCpuOn64, 1, entry, 0});
        EXPECT_EQ(a.result, psci::kInvalidAddress) << std::hex << entry;
        EXPECT_EQ(a.effect, Effect::None);
    }
    EXPECT_EQ(psci.handle(0, {psci::kAffinityInfo64, 1, 0}).result, psci::kAffinityOff);
    EXPECT_EQ(psci.handle(0, {psci::kCpuOn64, 0, 0x1000, 0}).result, psci::kAlreadyOn);
    EXPECT_EQ(psci.handle(0, {psci::kCpuOn64, 1, 0x5ffffffc, 0}).effect, Effect::StartVcpu);
}

TEST(Vpsci, CpuOnAndAffinityInfoRejectMissingCpusAndLevels) {
    Vpsci psci(2);
    EXPECT_EQ(psci.handle(0, {psci::kCpuOn64, 2, 0, 0}).result, psci::kInvalidParameters);
    EXPECT_EQ(psci.handle(0, {psci::kCpuOn64, 0x100, 0, 0}).result, psci::kInvalidParameters);
    EXPECT_EQ(psci.handle(0, {psci::kAffinityInfo64, 5, 0}).result, psci::kInvalidParameters);
    EXPECT_EQ(psci.handle(0, {psci::kAffinityInfo64, 0, 1}).result, psci::kInvalidParameters);
    // MPIDR bits outside the affinity fields (U, MT, RES1) are ignored.
    EXPECT_EQ(psci.handle(0, {psci::kAffinityInfo64, 0x80000000, 0}).result, psci::kAffinityOn);
}

TEST(Vpsci, Smc32CallsSeeOnly32BitArguments) {
    Vpsci psci(2);
    const PsciAction a = psci.handle(0, {psci::kCpuOn32, 0xffffffff'00000001, 0x1'40000000, 7});
    EXPECT_EQ(a.effect, Effect::StartVcpu);
    EXPECT_EQ(a.target, 1u);
    EXPECT_EQ(a.entry, 0x40000000u);
}

TEST(Vpsci, CpuOffStopsTheCallerAndResetRestoresBootState) {
    Vpsci psci(2);
    (void)psci.handle(0, {psci::kCpuOn64, 1, 0x40000000, 0});
    psci.vcpu_running(1);
    const PsciAction off = psci.handle(1, {psci::kCpuOff});
    EXPECT_EQ(off.effect, Effect::StopCaller);
    EXPECT_EQ(psci.handle(0, {psci::kAffinityInfo64, 1, 0}).result, psci::kAffinityOff);
    (void)psci.handle(0, {psci::kCpuOn64, 1, 0x40000000, 0});
    psci.reset();
    EXPECT_EQ(psci.handle(0, {psci::kAffinityInfo64, 1, 0}).result, psci::kAffinityOff);
    EXPECT_EQ(psci.handle(0, {psci::kAffinityInfo64, 0, 0}).result, psci::kAffinityOn);
    EXPECT_EQ(psci.handle(5, {psci::kVersion}).result, psci::kNotSupported); // no such caller
}

} // namespace
} // namespace vmm
