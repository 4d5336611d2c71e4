// zcu102's firmware-call rules, a VMM module (device type "zynqmp_smc", enabled with
// vm.vmm_modules): the guest's SiP calls (ZynqMP platform management and IPI mailbox,
// plat/smc.h) that upstream's zcu102 assembly allows go to the firmware through the VM's
// firmware conduit (the VM needs `allow_smc = true` for one); every other SiP call is
// refused with NOT_SUPPORTED and logged (rate-limited). A vmm::SmcForwarder does the work.
#pragma once

#include <vmm/device.hpp>
#include <vmm/smc_forwarder.hpp>

#include <cstdint>
#include <span>

namespace zcu102 {

// The SiP function IDs a guest may pass to the firmware (upstream's zcu102 vm_minimal
// allowed_smc_functions).
[[nodiscard]] std::span<const uint32_t> allowed_functions();

class ZynqmpSmc final : public vmm::Device {
public:
    // SiP fast calls, SMC32 and SMC64: the ranges this module answers.
    static constexpr vmm::SmcForwarder::Range kSip32{0x82000000, 0x8200ffff};
    static constexpr vmm::SmcForwarder::Range kSip64{0xc2000000, 0xc200ffff};
    static constexpr vmm::SmcForwarder::Range kRanges[] = {kSip32, kSip64};

    ZynqmpSmc(vmm::LogSink& log, vmm::FirmwareConduit* firmware)
        : forwarder_(log, "zynqmp_smc", allowed_functions(), firmware) {}

    [[nodiscard]] vmm::SmcForwarder& forwarder() { return forwarder_; }
    static vmm::Device* create(vmm::DeviceContext& context);

private:
    vmm::SmcForwarder forwarder_;
};

} // namespace zcu102
