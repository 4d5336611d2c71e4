// The kernel's per-vCPU exit counters (vcpu_abi::ExitCounter) as the VMM reports them:
// two log lines per vCPU (exits that reached the VMM, exits the kernel handled), printed
// when the VM stops and whenever the guest asks with the vendor hypervisor call below.
#pragma once

#include "kernel_vcpu.hpp"

#include <vmm/log.hpp>
#include <vmm/smccc.hpp>

#include <span>

// Logs the counters of every vCPU in `vcpus`.
void log_exit_counts(std::span<const KernelVcpu> vcpus, vmm::LogSink& log);

// SMC64/HVC64 fast call 0xC6000001 (vendor-specific hypervisor service, function 1):
// "print the exit counters now"; answers SUCCESS. A guest (or a test) brackets the
// work it wants counted with it.
class ExitCountService final : public vmm::SmcccHandler {
public:
    static constexpr uint32_t kFunctionId =
        vmm::smccc::function_id(true, true, vmm::smccc::Owner::VendorHyp, 1);

    ExitCountService(std::span<const KernelVcpu> vcpus, vmm::LogSink& log)
        : vcpus_(vcpus), log_(log) {}
    [[nodiscard]] bool install(vmm::SmcccDispatcher& dispatcher) {
        return dispatcher.add("exit counters", kFunctionId, kFunctionId, *this);
    }
    [[nodiscard]] vmm::SmcccResult call(unsigned vcpu, const vmm::SmcccCall& call) override;

private:
    std::span<const KernelVcpu> vcpus_;
    vmm::LogSink& log_;
};
