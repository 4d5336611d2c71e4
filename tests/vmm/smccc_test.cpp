// SMCCC dispatch: calls go to the handler owning their function-ID range; SMCCC_VERSION
// and SMCCC_ARCH_FEATURES are answered by the dispatcher; everything else is
// NOT_SUPPORTED with a rate-limited log line.
#include <vmm/smccc.hpp>
#include <vmm/vpsci.hpp>

#include "fake_log.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace vmm {
namespace {

// A vendor hypervisor service that records its calls and answers with x0..x2.
class RecordingService final : public SmcccHandler {
public:
    std::vector<std::pair<unsigned, SmcccCall>> calls;
    SmcccResult call(unsigned vcpu, const SmcccCall& c) override {
        calls.emplace_back(vcpu, c);
        SmcccResult r;
        r.result = 7;
        r.extra_results = 2;
        r.more = {c.x1 + 1, c.x2 + 1, 0};
        return r;
    }
    int64_t arch_features(uint32_t id) override { return id == 0x80000002 ? 3 : -1; }
};

struct SmcccTest : ::testing::Test {
    test::RecordingLog log;
    SmcccDispatcher dispatcher{log};
    Vpsci psci{1};
    RecordingService vendor;
    void SetUp() override {
        ASSERT_TRUE(psci.install(dispatcher));
        ASSERT_TRUE(dispatcher.add("vendor", 0xc6000000, 0xc600ffff, vendor));
    }
    SmcccResult hvc(uint64_t x0, uint64_t x1 = 0, uint64_t x2 = 0) {
        return dispatcher.call(0, SmcccConduit::Hvc, {x0, x1, x2, 0});
    }
};

TEST(SmcccFunctionId, FieldsFollowTheConvention) {
    EXPECT_EQ(smccc::function_id(true, false, smccc::Owner::StandardSecure, 0), psci::kVersion);
    EXPECT_EQ(smccc::function_id(true, true, smccc::Owner::StandardSecure, 3), psci::kCpuOn64);
    EXPECT_EQ(smccc::function_id(true, false, smccc::Owner::Arch, 0), smccc::kVersion);
    EXPECT_EQ(smccc::owner(0xc600ff01), smccc::Owner::VendorHyp);
    EXPECT_EQ(smccc::owner(psci::kSystemReset), smccc::Owner::StandardSecure);
    EXPECT_TRUE(smccc::is_fast(0x86000000));
    EXPECT_FALSE(smccc::is_fast(0x06000000));
    EXPECT_TRUE(smccc::is_64(psci::kCpuOn64));
    EXPECT_FALSE(smccc::is_64(psci::kCpuOn32));
}

TEST_F(SmcccTest, PsciIsOneHandler) {
    EXPECT_EQ(hvc(psci::kVersion).result, psci::kVersion1_0);
    EXPECT_EQ(hvc(psci::kSystemReset).effect, SmcccResult::Effect::SystemReset);
    EXPECT_EQ(hvc(psci::kSystemOff).effect, SmcccResult::Effect::SystemOff);
    EXPECT_EQ(hvc(psci::kCpuOn64, 0, 0x40000000).result, psci::kAlreadyOn); // vCPU 0
    // Inside PSCI's range but not implemented: Vpsci's NOT_SUPPORTED, not a stray call.
    EXPECT_EQ(hvc(psci::kCpuSuspend64).result, psci::kNotSupported);
    EXPECT_EQ(dispatcher.unsupported_count(), 0u);
    EXPECT_TRUE(log.lines.empty());
}

TEST_F(SmcccTest, VersionAndArchFeaturesAsLinuxProbesThem) {
    // Linux: PSCI_FEATURES(SMCCC_VERSION), then SMCCC_VERSION, then ARCH_FEATURES.
    EXPECT_EQ(hvc(psci::kFeatures, smccc::kVersion).result, psci::kSuccess);
    EXPECT_EQ(hvc(smccc::kVersion).result, 0x10001);
    EXPECT_EQ(hvc(smccc::kArchFeatures, smccc::kArchFeatures).result, smccc::kSuccess);
    EXPECT_EQ(hvc(smccc::kArchFeatures, smccc::kVersion).result, smccc::kSuccess);
    // ARCH_WORKAROUND_1/2/3 and SOC_ID: nobody offers them.
    for (uint64_t id : {0x80008000u, 0x80007fffu, 0x80003fffu, 0x80000002u})
        EXPECT_EQ(hvc(smccc::kArchFeatures, id).result, smccc::kNotSupported) << std::hex << id;
    // Only Arm Architecture functions are discovered with ARCH_FEATURES.
    EXPECT_EQ(hvc(smccc::kArchFeatures, psci::kVersion).result, smccc::kNotSupported);
    EXPECT_EQ(hvc(smccc::kArchFeatures, 0xc6000001).result, smccc::kNotSupported);
    EXPECT_TRUE(log.lines.empty());
}

TEST_F(SmcccTest, ArchFeaturesAsksTheHandlerOfAnArchFunction) {
    RecordingService soc;
    ASSERT_TRUE(dispatcher.add("soc-id", 0x80000002, 0x80000002, soc));
    EXPECT_EQ(hvc(smccc::kArchFeatures, 0x80000002).result, 3);
}

TEST_F(SmcccTest, CallsGoToTheRangeOwnerWithTheirArguments) {
    const SmcccResult r = dispatcher.call(2, SmcccConduit::Smc, {0xc6000010, 10, 20, 30});
    ASSERT_EQ(vendor.calls.size(), 1u);
    EXPECT_EQ(vendor.calls[0].first, 2u);
    EXPECT_EQ(vendor.calls[0].second.x3, 30u);
    EXPECT_EQ(r.result, 7);
    EXPECT_EQ(r.extra_results, 2);
    EXPECT_EQ(r.more[0], 11u);
    EXPECT_EQ(r.more[1], 21u);
    EXPECT_EQ(hvc(0xc600ffff).result, 7);
    EXPECT_EQ(hvc(0xc6010000).result, smccc::kNotSupported); // just past the range
    EXPECT_EQ(vendor.calls.size(), 2u);
}

TEST_F(SmcccTest, DiscoveryProbesAreAbsentWithoutALogLine) {
    // Linux asks at every boot: the vendor hypervisor's UID, TRNG_VERSION.
    for (uint64_t id : {uint64_t{smccc::kVendorHypCallUid}, uint64_t{smccc::kTrngVersion}}) {
        const SmcccResult r = hvc(id, 5);
        EXPECT_EQ(r.result, smccc::kNotSupported) << std::hex << id;
        EXPECT_EQ(r.effect, SmcccResult::Effect::None);
    }
    EXPECT_EQ(dispatcher.probe_count(), 2u);
    EXPECT_EQ(dispatcher.unsupported_count(), 0u);
    EXPECT_TRUE(log.lines.empty());
    // The probe's ID with junk in the upper half of x0 is not a probe.
    EXPECT_EQ(hvc(uint64_t{1} << 32 | smccc::kTrngVersion).result, smccc::kNotSupported);
    EXPECT_EQ(dispatcher.unsupported_count(), 1u);
}

TEST_F(SmcccTest, UnknownCallsAreNotSupportedAndLoggedAFewTimes) {
    // A vendor hypervisor call nobody owns, an SMC32 ID with junk in the upper half of x0,
    // a yielding call, a TRNG call past TRNG_VERSION.
    for (uint64_t id : {uint64_t{0x8600ff02}, uint64_t{0x1'c6000010}, uint64_t{0x06000000},
                        uint64_t{0x84000053}}) {
        const SmcccResult r = hvc(id, 5);
        EXPECT_EQ(r.result, smccc::kNotSupported) << std::hex << id;
        EXPECT_EQ(r.effect, SmcccResult::Effect::None);
    }
    EXPECT_TRUE(vendor.calls.empty());
    ASSERT_EQ(log.lines.size(), 4u);
    EXPECT_EQ(
        log.lines[0],
        "vmm: guest HVC function 0x8600ff02 (x1 0x5) on vCPU 0 has no handler: NOT_SUPPORTED");
    for (int i = 0; i < 1000; ++i)
        (void)dispatcher.call(0, SmcccConduit::Smc, {0x82000000});
    EXPECT_EQ(dispatcher.unsupported_count(), 1004u);
    EXPECT_LE(log.lines.size(), 4u + 1 + 8); // one more line, then counts at 8..512
    EXPECT_EQ(
        log.lines[4],
        "vmm: guest SMC function 0x82000000 (x1 0x0) on vCPU 0 has no handler: NOT_SUPPORTED");
}

TEST_F(SmcccTest, RangesCannotOverlapOrTakeTheDispatchersOwnCalls) {
    RecordingService other;
    EXPECT_FALSE(dispatcher.add("overlap", 0x84000010, 0x84000020, other));
    EXPECT_FALSE(dispatcher.add("inside", 0xc6000100, 0xc6000100, other));
    EXPECT_FALSE(dispatcher.add("version", 0x80000000, 0x80000000, other));
    EXPECT_FALSE(dispatcher.add("covers-arch", 0x7fffffff, 0x80000005, other));
    EXPECT_FALSE(dispatcher.add("empty", 0x85000010, 0x85000000, other));
    EXPECT_TRUE(dispatcher.add("next-to-psci", 0x84000020, 0x8400002f, other));
    for (std::size_t i = 4; i < SmcccDispatcher::kMaxHandlers; ++i)
        EXPECT_TRUE(dispatcher.add("fill", 0x87000000 + i, 0x87000000 + i, other));
    EXPECT_FALSE(dispatcher.add("full", 0x88000000, 0x88000000, other));
}

} // namespace
} // namespace vmm
