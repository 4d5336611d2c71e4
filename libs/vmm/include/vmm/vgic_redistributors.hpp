// The guest's GICv3 redistributors, emulated: one RD_base + SGI_base pair (128 KiB) per
// vCPU, contiguous, the last one flagged GICR_TYPER.Last; vCPU i's has affinity 0.0.0.i
// (VirtualMachine's VMPIDR_EL2). SGIs and PPIs of each live in the VgicDistributor core's
// bank for that vCPU. Also the guest's ICC_SGI1R_EL1 writes, which trap to EL2 (GICv3 does
// not virtualise SGI generation: with HCR_EL2.IMO set, EL1 writes to ICC_SGI1R_EL1 trap).
// Arm IHI 0069H 12.10, 12.11, 12.2.23.
#pragma once

#include <arch/gic_v3.hpp>
#include <vmm/log.hpp>
#include <vmm/mmio_bus.hpp>
#include <vmm/system_register_handler.hpp>
#include <vmm/vgic_distributor.hpp>

#include <array>
#include <cstdint>

namespace vmm {

class VgicRedistributors final : public MmioDevice, public SystemRegisterHandler {
public:
    static constexpr uint64_t kFrameSize = arm::gicv3::gicr::kStride; // per vCPU
    static constexpr uint32_t kIidrValue = 0x0300043b;

    VgicRedistributors(VgicDistributor& core, LogSink& log)
        : core_(core), log_(log), sgi_log_(log, "SGI1R writes naming no vCPU") {
        reset();
    }

    // The region the guest's DTB names: one frame per vCPU.
    [[nodiscard]] uint64_t size() const { return kFrameSize * core_.num_vcpus(); }

    // MmioDevice: offsets in the whole region; the frame says whose redistributor it is
    // (any vCPU may access any of them).
    [[nodiscard]] bool read(uint64_t offset, unsigned size, unsigned vcpu,
                            uint64_t& value) override;
    [[nodiscard]] bool write(uint64_t offset, unsigned size, unsigned vcpu,
                             uint64_t value) override;

    // A trapped ICC_SGI1R_EL1 write of vCPU `vcpu`: the SGI to the vCPUs it names (vCPUs
    // that do not exist are logged, rate-limited, and ignored).
    void write_sgi1r(unsigned vcpu, uint64_t value);

    // SystemRegisterHandler: ICC_SGI1R_EL1, ICC_ASGI1R_EL1 and ICC_SGI0R_EL1 (one security
    // state, one group in the list registers: all three raise the SGI); write-only, they
    // read as 0.
    [[nodiscard]] bool write(const arm::SysRegIss& reg, unsigned vcpu, uint64_t value) override;
    [[nodiscard]] bool read(const arm::SysRegIss& reg, unsigned vcpu, uint64_t& value) override;

    void reset();

private:
    VgicDistributor& core_;
    LogSink& log_;
    GuestEventLimit sgi_log_;
    std::array<bool, VgicDistributor::kMaxVcpus> asleep_{}; // GICR_WAKER.ProcessorSleep
};

} // namespace vmm
