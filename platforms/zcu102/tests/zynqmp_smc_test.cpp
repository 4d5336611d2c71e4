// zcu102's firmware-call rules on the host (a vmm::SmcForwarder with the board's list):
// allowed SiP calls reach a fake firmware with
// their arguments and its answer comes back; every other SiP call is refused and logged
// (rate-limited); created by name through the device model, the module owns the SiP ranges
// of the VM's SMCCC dispatcher.
#include "../include/plat/smc.h"
#include "../vmm/zynqmp_smc.hpp"
#include "fake_firmware.hpp"

#include <arch/smccc.hpp>
#include <vmm/guest_memory.hpp>
#include <vmm/mmio_bus.hpp>
#include <vmm/vgic_distributor.hpp>

#include <gtest/gtest.h>

#include <algorithm>
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

using Firmware = vmm::test::FakeFirmware;

TEST(ZynqmpSmc, AllowedCallsReachTheFirmware) {
    Log log;
    Firmware firmware;
    zcu102::ZynqmpSmc module(log, &firmware);
    vmm::SmcForwarder& smc = module.forwarder();
    const SmcccResult r = smc.call(0, SmcccCall{SMC_PM_GET_CHIPID, 7, 8, 9});
    ASSERT_EQ(firmware.calls.size(), 1u);
    EXPECT_EQ(firmware.calls[0].x0, uint64_t{SMC_PM_GET_CHIPID});
    EXPECT_EQ(firmware.calls[0].x3, 9u);
    EXPECT_EQ(r.result, 0);
    EXPECT_EQ(r.more[0], 8u); // the fake's answer: x1 + 1
    (void)smc.call(0, SmcccCall{SMC_IPI_MAILBOX_OPEN, 1, 0, 0});
    EXPECT_EQ(smc.forwarded(), 2u);
    ASSERT_EQ(log.lines.size(), 2u);
    EXPECT_EQ(log.lines[0], "vmm: zynqmp_smc: forwarded guest call 0xc2000018 (x1 0x7) on vCPU 0 "
                            "to the firmware: x0 0x0");
}

TEST(ZynqmpSmc, EveryOtherCallIsRefusedAndLoggedRateLimited) {
    Log log;
    Firmware firmware;
    zcu102::ZynqmpSmc module(log, &firmware);
    vmm::SmcForwarder& smc = module.forwarder();
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
        EXPECT_TRUE(
            (id >= zcu102::ZynqmpSmc::kSip32.first && id <= zcu102::ZynqmpSmc::kSip32.last) ||
            (id >= zcu102::ZynqmpSmc::kSip64.first && id <= zcu102::ZynqmpSmc::kSip64.last))
            << std::hex << id;
        EXPECT_TRUE(arm::smccc::forwardable_to_firmware(id)) << "the kernel passes it on";
        EXPECT_NE(id, uint32_t{SMC_PM_FPGA_LOAD});
        EXPECT_NE(id, uint32_t{SMC_PM_SYSTEM_SHUTDOWN});
    }
}

TEST(ZynqmpSmc, WithoutFirmwareAllowedCallsAreNotSupportedAndSaySo) {
    Log log;
    zcu102::ZynqmpSmc module(log, nullptr);
    EXPECT_EQ(module.forwarder().call(0, SmcccCall{SMC_PM_GET_API_VERSION, 0, 0, 0}).result,
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
    host.use_firmware(&firmware); // the VM's allow_smc
    const vmm::DeviceRecord records[] = {{"zynqmp_smc", {}, {}}};
    ASSERT_EQ(host.create(records), vmm::DeviceError::Ok);
    EXPECT_NE(std::find(log.lines.begin(), log.lines.end(),
                        "vmm: zynqmp_smc: 28 firmware calls allowed, forwarded to the firmware"),
              log.lines.end());
    EXPECT_EQ(smccc.call(0, vmm::SmcccConduit::Smc, SmcccCall{SMC_PM_CLOCK_ENABLE, 3, 0, 0}).result,
              0);
    ASSERT_EQ(firmware.calls.size(), 1u);
    EXPECT_EQ(smccc.call(0, vmm::SmcccConduit::Smc, SmcccCall{SMC_PM_SECURE_SHA, 0, 0, 0}).result,
              vmm::smccc::kNotSupported);
    EXPECT_EQ(firmware.calls.size(), 1u);
    EXPECT_EQ(smccc.unsupported_count(), 0u) << "refused by the module, not unowned";
    // A second SiP owner is refused by the dispatcher.
    zcu102::ZynqmpSmc other(log, nullptr);
    EXPECT_FALSE(smccc.add("other", 0xc2000100, 0xc2000100, other.forwarder()));
}

} // namespace
