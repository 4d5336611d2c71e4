// zcu102's firmware-call rules on the host: allowed SiP calls reach a fake firmware with
// their arguments and its answer comes back; every other SiP call is refused and logged
// (rate-limited); created by name through the device model, the module owns the SiP ranges
// of the VM's SMCCC dispatcher.
#include "../include/plat/smc.h"
#include "../vmm/zynqmp_smc.hpp"

#include <vmm/guest_memory.hpp>
#include <vmm/mmio_bus.hpp>
#include <vmm/vgic_distributor.hpp>

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace {

using vmm::SmcccCall;
using vmm::SmcccResult;

struct Log final : vmm::LogSink {
    std::vector<std::string> lines;
    void line(std::string_view text) override { lines.emplace_back(text); }
};

struct Firmware final : zcu102::FirmwareConduit {
    std::vector<SmcccCall> calls;
    SmcccResult forward(const SmcccCall& call) override {
        calls.push_back(call);
        SmcccResult r;
        r.result = 0;
        r.extra_results = 1;
        r.more[0] = 0x10000 | call.x1; // something the caller can check
        return r;
    }
};

TEST(ZynqmpSmc, AllowedCallsReachTheFirmware) {
    Log log;
    Firmware firmware;
    zcu102::ZynqmpSmc smc(log, &firmware);
    const SmcccResult r = smc.call(0, SmcccCall{SMC_PM_GET_CHIPID, 7, 8, 9});
    ASSERT_EQ(firmware.calls.size(), 1u);
    EXPECT_EQ(firmware.calls[0].x0, uint64_t{SMC_PM_GET_CHIPID});
    EXPECT_EQ(firmware.calls[0].x3, 9u);
    EXPECT_EQ(r.result, 0);
    EXPECT_EQ(r.more[0], 0x10007u);
    (void)smc.call(0, SmcccCall{SMC_IPI_MAILBOX_OPEN, 1, 0, 0});
    EXPECT_EQ(smc.forwarded(), 2u);
    EXPECT_TRUE(log.lines.empty());
}

TEST(ZynqmpSmc, EveryOtherCallIsRefusedAndLoggedRateLimited) {
    Log log;
    Firmware firmware;
    zcu102::ZynqmpSmc smc(log, &firmware);
    const SmcccResult r = smc.call(1, SmcccCall{SMC_PM_FPGA_LOAD, 0x1234, 0, 0});
    EXPECT_EQ(r.result, vmm::smccc::kNotSupported);
    EXPECT_TRUE(firmware.calls.empty());
    ASSERT_EQ(log.lines.size(), 1u);
    EXPECT_EQ(
        log.lines[0],
        "vmm: zynqmp_smc: refused guest call 0xc2000016 (x1 0x1234) on vCPU 1: NOT_SUPPORTED");
    for (int i = 0; i < 100; ++i)
        (void)smc.call(0, SmcccCall{SMC_PM_SYSTEM_SHUTDOWN, 0, 0, 0});
    EXPECT_EQ(smc.refused(), 101u);
    EXPECT_LT(log.lines.size(), 15u) << "a guest cannot flood the log";
}

TEST(ZynqmpSmc, TheAllowListIsUpstreamsAndNamesNoPsciOrRefusedCall) {
    const auto allowed = zcu102::allowed_functions();
    EXPECT_EQ(allowed.size(), 28u);
    for (const uint32_t id : allowed) {
        EXPECT_TRUE((id >= zcu102::ZynqmpSmc::kSip32First && id <= zcu102::ZynqmpSmc::kSip32Last) ||
                    (id >= zcu102::ZynqmpSmc::kSip64First && id <= zcu102::ZynqmpSmc::kSip64Last))
            << std::hex << id;
        EXPECT_NE(id, uint32_t{SMC_PM_FPGA_LOAD});
        EXPECT_NE(id, uint32_t{SMC_PM_SYSTEM_SHUTDOWN});
    }
}

TEST(ZynqmpSmc, WithoutFirmwareAllowedCallsAreNotSupportedAndSaySo) {
    Log log;
    zcu102::ZynqmpSmc smc(log, nullptr);
    EXPECT_EQ(smc.call(0, SmcccCall{SMC_PM_GET_API_VERSION, 0, 0, 0}).result,
              vmm::smccc::kNotSupported);
    ASSERT_EQ(log.lines.size(), 1u);
    EXPECT_NE(log.lines[0].find("no firmware for guest call 0xc2000001"), std::string::npos);
}

TEST(ZynqmpSmc, CreatedByNameItOwnsTheSipRanges) {
    Log log;
    vmm::MappedGuestMemory memory;
    vmm::MmioBus bus{vmm::UnhandledAccessPolicy::InjectAbort, log};
    vmm::VgicDistributor vgic{64, {}, log};
    vmm::NotificationRouter router;
    vmm::SmcccDispatcher smccc{log};
    vmm::DeviceHost host{memory, bus, vgic, 64, router, log, {}, &smccc};
    Firmware firmware;
    zcu102::ZynqmpSmc::use_firmware(&firmware);
    const vmm::DeviceRecord records[] = {{"zynqmp_smc", {}, {}}};
    ASSERT_EQ(host.create(records), vmm::DeviceError::Ok);
    zcu102::ZynqmpSmc::use_firmware(nullptr);
    EXPECT_EQ(smccc.call(0, vmm::SmcccConduit::Smc, SmcccCall{SMC_PM_CLOCK_ENABLE, 3, 0, 0}).result,
              0);
    ASSERT_EQ(firmware.calls.size(), 1u);
    EXPECT_EQ(smccc.call(0, vmm::SmcccConduit::Smc, SmcccCall{SMC_PM_SECURE_SHA, 0, 0, 0}).result,
              vmm::smccc::kNotSupported);
    EXPECT_EQ(firmware.calls.size(), 1u);
    EXPECT_EQ(smccc.unsupported_count(), 0u) << "refused by the module, not unowned";
    // A second SiP owner is refused by the dispatcher.
    zcu102::ZynqmpSmc other(log, nullptr);
    EXPECT_FALSE(smccc.add("other", 0xc2000100, 0xc2000100, other));
}

} // namespace
