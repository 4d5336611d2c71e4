// GICv3 distributor emulation (Arm IHI 0069H, 12.9 "The GIC Distributor register
// descriptions"): the registers of its own, the per-INTID ones through the shared core.
#include <vmm/vgic_v3_distributor.hpp>

namespace vmm {
namespace {

namespace gicd = arm::gicv3::gicd;

// The per-INTID registers (IGROUPR .. ICFGR) keep GICv2's offsets; ITARGETSR, SGIR and
// the SGI pending registers are not there with affinity routing (RAZ/WI).
bool shared_with_v2(uint64_t offset) {
    return (offset >= gicd::kIgroupr && offset < gicd::kIpriorityr + 0x400) ||
           (offset >= gicd::kIcfgr && offset < gicd::kIcfgr + 0x100);
}

// The first INTID a per-INTID register at `offset` covers, and how many.
unsigned first_intid(uint64_t offset) {
    if (offset >= gicd::kIcfgr) return static_cast<unsigned>((offset - gicd::kIcfgr) / 4 * 16);
    if (offset >= gicd::kIpriorityr) return static_cast<unsigned>(offset - gicd::kIpriorityr);
    return static_cast<unsigned>((offset & 0x7f) / 4 * 32);
}

} // namespace

void VgicV3Distributor::reset() {
    enables_ = 0;
    irouter_.fill(0);
}

uint32_t VgicV3Distributor::ctlr() const {
    return gicd::kCtlrAre | gicd::kCtlrDs | enables_;
}

bool VgicV3Distributor::read(uint64_t offset, unsigned size, unsigned vcpu, uint64_t& value) {
    if (offset >= kSize) return false;
    // The header first, as the GICv2 distributor does: what a guest reads most (Linux
    // polls CTLR.RWP after every enable and configuration write).
    if (offset < gicd::kIgroupr) return read_own(offset, size, value);
    if (offset >= gicd::kIrouter && offset < gicd::kIrouterEnd + 8) {
        if ((size != 8 && size != 4) || (offset & (size - 1)) != 0) return false;
        const unsigned irq = static_cast<unsigned>((offset - gicd::kIrouter) / 8);
        const uint64_t r =
            irq >= arm::gicv3::kPrivateCount && irq < core_.num_irqs() ? irouter_[irq] : 0;
        value = size == 8 ? r : static_cast<uint32_t>(r >> (offset & 4 ? 32 : 0));
        return true;
    }
    if (shared_with_v2(offset)) {
        // SGIs and PPIs are the redistributors' (RAZ here with affinity routing).
        if (first_intid(offset) < arm::gicv3::kPrivateCount) {
            if (size != 1 && size != 4) return false;
            value = 0;
            return true;
        }
        return core_.read(offset, size, vcpu, value);
    }
    return read_own(offset, size, value);
}

bool VgicV3Distributor::read_own(uint64_t offset, unsigned size, uint64_t& value) const {
    if (size != 4 || (offset & 3) != 0) return false;
    switch (offset) {
    case gicd::kCtlr:
        value = ctlr();
        break;
    case gicd::kTyper:
        value = gicd::make_typer(core_.num_irqs());
        break;
    case gicd::kIidr:
        value = kIidrValue;
        break;
    case gicd::kPidr2:
        value = arm::gicv3::kPidr2ArchRev3;
        break;
    default:
        value = 0; // TYPER2, reserved and IMPLEMENTATION DEFINED space: RAZ
        break;
    }
    return true;
}

bool VgicV3Distributor::write(uint64_t offset, unsigned size, unsigned vcpu, uint64_t value) {
    if (offset >= kSize) return false;
    if (offset >= gicd::kIrouter && offset < gicd::kIrouterEnd + 8) {
        if ((size != 8 && size != 4) || (offset & (size - 1)) != 0) return false;
        const unsigned irq = static_cast<unsigned>((offset - gicd::kIrouter) / 8);
        if (irq < arm::gicv3::kPrivateCount || irq >= core_.num_irqs()) return true; // WI
        uint64_t& r = irouter_[irq];
        if (size == 8) {
            r = value;
        } else if ((offset & 4) != 0) {
            r = (r & 0xffffffffull) | (value << 32);
        } else {
            r = (r & ~0xffffffffull) | (value & 0xffffffffull);
        }
        r &= 0xff80ffffffull; // Aff3, IRM, Aff2..Aff0
        // vCPU i has affinity 0.0.0.i (VirtualMachine sets VMPIDR_EL2); IRM (any CPU)
        // and affinities no vCPU has go to vCPU 0.
        const bool one = (r & gicd::kIrouterIrm) == 0 && (r & 0xff0000ff00ull) == 0;
        const unsigned target = one ? static_cast<unsigned>(r & 0xff) : 0;
        if (!core_.route_spi(irq, target < core_.num_vcpus() ? target : 0)) return true;
        return true;
    }
    if (shared_with_v2(offset)) {
        if (first_intid(offset) < arm::gicv3::kPrivateCount) return size == 1 || size == 4;
        return core_.write(offset, size, vcpu, value);
    }
    if (size != 4 || (offset & 3) != 0) return false;
    if (offset == gicd::kCtlr) {
        enables_ = static_cast<uint32_t>(value) & (gicd::kCtlrEnableGrp0 | gicd::kCtlrEnableGrp1);
        core_.set_enabled(enables_ != 0);
    }
    return true; // read-only and reserved registers ignore writes
}

} // namespace vmm
