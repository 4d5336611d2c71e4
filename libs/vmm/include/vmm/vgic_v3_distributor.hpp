// The guest's GICv3 distributor (GICD, 64 KiB), emulated over the interrupt state of a
// VgicDistributor: affinity routing always on (GICD_CTLR.ARE, one security state), SPIs
// routed by GICD_IROUTER, the per-INTID registers shared with GICv2's layout for SPIs
// (INTIDs 0..31 live in the redistributors: VgicRedistributors). Arm IHI 0069H 12.9.
#pragma once

#include <arch/gic_v3.hpp>
#include <vmm/mmio_bus.hpp>
#include <vmm/vgic_distributor.hpp>

#include <array>
#include <cstdint>

namespace vmm {

class VgicV3Distributor final : public MmioDevice {
public:
    static constexpr uint64_t kSize = arm::gicv3::gicd::kFrameSize;
    static constexpr uint32_t kIidrValue = 0x0300043b; // implementer Arm, GICv3

    explicit VgicV3Distributor(VgicDistributor& core) : core_(core) {}

    [[nodiscard]] bool read(uint64_t offset, unsigned size, unsigned vcpu,
                            uint64_t& value) override;
    [[nodiscard]] bool write(uint64_t offset, unsigned size, unsigned vcpu,
                             uint64_t value) override;

    // Power-on state (with a fresh core after a guest reset).
    void reset();

private:
    [[nodiscard]] uint32_t ctlr() const;
    // The distributor's registers of its own (not per INTID): CTLR, TYPER, IIDR, ID.
    [[nodiscard]] bool read_own(uint64_t offset, unsigned size, uint64_t& value) const;

    VgicDistributor& core_;
    uint32_t enables_ = 0; // GICD_CTLR EnableGrp0 | EnableGrp1
    std::array<uint64_t, VgicDistributor::kMaxIrqs> irouter_{};
};

} // namespace vmm
