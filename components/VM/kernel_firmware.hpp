// The VM's way to the board's secure firmware (allow_smc): a vmm::FirmwareConduit over the
// kernel's FirmwareCall. The kernel makes the SMC; calls it does not forward, or a machine
// without firmware, come back as NOT_SUPPORTED.
#pragma once

#include <runtime/capabilities.hpp>
#include <vmm/smc_forwarder.hpp>

class KernelFirmware final : public vmm::FirmwareConduit {
public:
    explicit KernelFirmware(uint32_t slot) : cap_(runtime::Slot{slot}) {}

    [[nodiscard]] vmm::SmcccResult forward(const vmm::SmcccCall& call) override {
        runtime::Message args;
        args.mr[0] = call.x1;
        args.mr[1] = call.x2;
        args.mr[2] = call.x3;
        const runtime::FirmwareResult r = cap_.call(static_cast<uint32_t>(call.x0), args);
        vmm::SmcccResult result; // NOT_SUPPORTED unless the kernel made the call
        if (r.status != runtime::Status::Ok) return result;
        result.result = static_cast<int64_t>(r.x[0]);
        result.extra_results = 3;
        result.more = {r.x[1], r.x[2], r.x[3]};
        return result;
    }

private:
    runtime::FirmwareCap cap_;
};
