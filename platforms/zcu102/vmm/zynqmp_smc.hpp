// zcu102's firmware-call rules, a VMM module (device type "zynqmp_smc", enabled with
// vm.vmm_modules): the guest's SiP calls (ZynqMP platform management and IPI mailbox,
// plat/smc.h) that upstream's zcu102 assembly allows go to the firmware; every other SiP
// call is refused with NOT_SUPPORTED and logged (rate-limited).
#pragma once

#include <vmm/device.hpp>
#include <vmm/smccc.hpp>

#include <cstdint>
#include <span>

namespace zcu102 {

// Where an allowed call goes: the board's secure firmware.
class FirmwareConduit {
public:
    [[nodiscard]] virtual vmm::SmcccResult forward(const vmm::SmcccCall& call) = 0;

protected:
    ~FirmwareConduit() = default;
};

// The SiP function IDs a guest may pass to the firmware (upstream's zcu102 vm_minimal
// allowed_smc_functions).
[[nodiscard]] std::span<const uint32_t> allowed_functions();

class ZynqmpSmc final : public vmm::Device, public vmm::SmcccHandler {
public:
    // SiP fast calls, SMC32 and SMC64: the ranges this module answers.
    static constexpr uint32_t kSip32First = 0x82000000;
    static constexpr uint32_t kSip32Last = 0x8200ffff;
    static constexpr uint32_t kSip64First = 0xc2000000;
    static constexpr uint32_t kSip64Last = 0xc200ffff;

    // `firmware` nullptr: this system has no path to the firmware; allowed calls are then
    // answered NOT_SUPPORTED too, and logged as such.
    ZynqmpSmc(vmm::LogSink& log, FirmwareConduit* firmware)
        : refused_(log, "refused guest firmware calls"),
          unreachable_(log, "allowed guest firmware calls with no firmware to reach"),
          firmware_(firmware) {}

    [[nodiscard]] vmm::SmcccResult call(unsigned vcpu, const vmm::SmcccCall& call) override;

    [[nodiscard]] uint64_t refused() const { return refused_.count(); }
    [[nodiscard]] uint64_t forwarded() const { return forwarded_; }

    // The firmware the next created module forwards to (the VM has none yet: forwarding
    // needs a kernel call that makes the SMC for it).
    static void use_firmware(FirmwareConduit* firmware);
    static vmm::Device* create(vmm::DeviceContext& context);

private:
    vmm::GuestEventLimit refused_;
    vmm::GuestEventLimit unreachable_;
    FirmwareConduit* firmware_;
    uint64_t forwarded_ = 0;
};

} // namespace zcu102
