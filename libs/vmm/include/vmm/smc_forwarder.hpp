// Passing a guest's firmware calls on (upstream's allow_smc / allowed_smc_functions, and a
// board's own rules such as zcu102's zynqmp_smc): the calls whose function IDs are on an
// allow list go to the board's secure firmware through a FirmwareConduit (the kernel's
// FirmwareCall in the VM component), logged with the firmware's x0, rate-limited; every
// other call in the forwarder's ranges is refused with NOT_SUPPORTED and logged, rate-limited.
#pragma once

#include <vmm/log.hpp>
#include <vmm/smccc.hpp>

#include <cstdint>
#include <span>
#include <string_view>

namespace vmm {

// Where an allowed call goes: the board's secure firmware.
class FirmwareConduit {
public:
    [[nodiscard]] virtual SmcccResult forward(const SmcccCall& call) = 0;

protected:
    ~FirmwareConduit() = default;
};

class SmcForwarder final : public SmcccHandler {
public:
    // Fast calls of the firmware's services, SMC32 and SMC64: SiP and OEM (owners 2-3),
    // trusted applications and OSes (48-63). The standard services (PSCI and the rest)
    // and the hypervisor's own stay with the VMM.
    struct Range {
        uint32_t first;
        uint32_t last;
    };
    static constexpr Range kSipOem32{0x82000000, 0x83ffffff};
    static constexpr Range kSipOem64{0xc2000000, 0xc3ffffff};
    static constexpr Range kTrusted32{0xb0000000, 0xbfffffff};
    static constexpr Range kTrusted64{0xf0000000, 0xffffffff};
    static constexpr Range kAllRanges[] = {kSipOem32, kSipOem64, kTrusted32, kTrusted64};

    // `name` prefixes its log lines ("vmm: <name>: ..."); `allowed` must outlive it.
    // `firmware` nullptr: the system gave this VM no way to the firmware; allowed calls
    // are then answered NOT_SUPPORTED too, and logged as such.
    SmcForwarder(LogSink& log, std::string_view name, std::span<const uint32_t> allowed,
                 FirmwareConduit* firmware)
        : name_(name), allowed_(allowed), forwarded_(log, "forwarded guest firmware calls"),
          refused_(log, "refused guest firmware calls"),
          unreachable_(log, "allowed guest firmware calls with no firmware to reach"),
          firmware_(firmware) {}

    // Registers the ranges with the VM's dispatcher; false (after a log line) if one is
    // taken.
    [[nodiscard]] bool install(SmcccDispatcher& dispatcher, std::span<const Range> ranges,
                               LogSink& log);

    [[nodiscard]] SmcccResult call(unsigned vcpu, const SmcccCall& call) override;

    [[nodiscard]] uint64_t refused() const { return refused_.count(); }
    [[nodiscard]] uint64_t forwarded() const { return forwarded_.count(); }
    [[nodiscard]] bool reaches_firmware() const { return firmware_ != nullptr; }

private:
    std::string_view name_;
    std::span<const uint32_t> allowed_;
    GuestEventLimit forwarded_;
    GuestEventLimit refused_;
    GuestEventLimit unreachable_;
    FirmwareConduit* firmware_;
};

} // namespace vmm
