// GICv3 redistributor emulation (Arm IHI 0069H 12.10 RD_base, 12.11 SGI_base) and the
// SGI register a guest writes through its CPU interface (12.2.23 ICC_SGI1R_EL1).
#include <vmm/vgic_redistributors.hpp>

namespace vmm {
namespace {

namespace gicr = arm::gicv3::gicr;

// SGI_base registers for INTIDs 0..31: the distributor's layout, so the core takes them.
bool sgi_register(uint64_t offset) {
    return (offset >= gicr::kIgroupr0 && offset < gicr::kIgroupr0 + 4) ||
           (offset >= gicr::kIsenabler0 && offset <= gicr::kIcactiver0 + 3 &&
            (offset & 0x7f) < 4) ||
           (offset >= gicr::kIpriorityr && offset < gicr::kIpriorityr + 0x20) ||
           offset == gicr::kIcfgr0 || offset == gicr::kIcfgr1;
}

bool is_sgi_register(const arm::SysRegIss& r) {
    const arm::gicv3::SysRegId id{r.op0, r.op1, r.crn, r.crm, r.op2};
    return id == arm::gicv3::kIccSgi1rEl1 || id == arm::gicv3::kIccAsgi1rEl1 ||
           id == arm::gicv3::kIccSgi0rEl1;
}

} // namespace

bool VgicRedistributors::write(const arm::SysRegIss& reg, unsigned vcpu, uint64_t value) {
    if (!is_sgi_register(reg)) return false;
    write_sgi1r(vcpu, value);
    return true;
}

bool VgicRedistributors::read(const arm::SysRegIss& reg, unsigned, uint64_t& value) {
    if (!is_sgi_register(reg)) return false;
    value = 0;
    return true;
}

void VgicRedistributors::reset() {
    asleep_.fill(true);
}

bool VgicRedistributors::read(uint64_t offset, unsigned size, unsigned, uint64_t& value) {
    const unsigned owner = static_cast<unsigned>(offset / kFrameSize);
    if (owner >= core_.num_vcpus()) return false;
    const uint64_t in_frame = offset % kFrameSize;
    if (in_frame >= gicr::kSgiBase) {
        const uint64_t reg = in_frame - gicr::kSgiBase;
        if (sgi_register(reg)) return core_.read(reg, size, owner, value);
        if (size != 4 || (reg & 3) != 0) return false;
        value = 0; // IGRPMODR0, NSACR, reserved: RAZ (one security state)
        return true;
    }
    const bool last = owner + 1 == core_.num_vcpus();
    const uint64_t typer = gicr::make_typer(owner, owner, last); // affinity 0.0.0.owner
    if (size == 8 && (in_frame & 7) == 0) {
        // TYPER, and the 64-bit LPI registers (PROPBASER, PENDBASER: no LPIs, RAZ).
        value = in_frame == gicr::kTyper ? typer : 0;
        return true;
    }
    if (size != 4 || (in_frame & 3) != 0) return false;
    switch (in_frame) {
    case gicr::kTyper:
        value = static_cast<uint32_t>(typer);
        break;
    case gicr::kTyper + 4:
        value = static_cast<uint32_t>(typer >> 32);
        break;
    case gicr::kIidr:
        value = kIidrValue;
        break;
    case gicr::kWaker:
        value = asleep_[owner] ? gicr::kWakerProcessorSleep | gicr::kWakerChildrenAsleep : 0;
        break;
    case gicr::kPidr2:
        value = arm::gicv3::kPidr2ArchRev3;
        break;
    default:
        value = 0; // CTLR (no LPIs, RWP clear), STATUSR, reserved: RAZ
        break;
    }
    return true;
}

bool VgicRedistributors::write(uint64_t offset, unsigned size, unsigned, uint64_t value) {
    const unsigned owner = static_cast<unsigned>(offset / kFrameSize);
    if (owner >= core_.num_vcpus()) return false;
    const uint64_t in_frame = offset % kFrameSize;
    if (in_frame >= gicr::kSgiBase) {
        const uint64_t reg = in_frame - gicr::kSgiBase;
        if (sgi_register(reg)) return core_.write(reg, size, owner, value);
        return size == 4 && (reg & 3) == 0; // RAZ/WI
    }
    if ((size != 4 && size != 8) || (in_frame & (size - 1)) != 0) return false;
    if (in_frame == gicr::kWaker && size == 4)
        asleep_[owner] = (value & gicr::kWakerProcessorSleep) != 0;
    return true; // read-only and reserved registers (no LPIs: PROPBASER/PENDBASER) ignore writes
}

void VgicRedistributors::write_sgi1r(unsigned vcpu, uint64_t value) {
    const arm::gicv3::Sgi1r sgi = arm::gicv3::Sgi1r::decode(value);
    const uint64_t all = (uint64_t{1} << core_.num_vcpus()) - 1;
    uint64_t targets = 0;
    if (sgi.all_but_self) {
        targets = all & ~(uint64_t{1} << vcpu);
    } else if (sgi.aff1 != 0 || sgi.aff2 != 0 || sgi.aff3 != 0 || sgi.range_selector > 3) {
        // Every vCPU is 0.0.0.n with n < 64: nobody there.
        if (sgi_log_.admit()) {
            LogLine line;
            line << "vgic: vCPU " << Dec{vcpu} << " sent SGI " << Dec{sgi.intid} << " to affinity "
                 << Dec{sgi.aff3} << "." << Dec{sgi.aff2} << "." << Dec{sgi.aff1}
                 << ".* (ICC_SGI1R_EL1 " << Hex{value} << "): no such vCPU, ignored";
            line.emit(log_);
        }
        return;
    } else {
        targets = uint64_t{sgi.target_list} << (16 * sgi.range_selector);
    }
    core_.send_sgi(vcpu, targets, sgi.intid);
}

} // namespace vmm
