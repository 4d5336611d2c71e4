// Completing an emulated access on the vCPU: register width, sign extension, pairs
// and base-register writeback.
#include <vmm/mmio_access.hpp>

namespace vmm {
namespace {

uint64_t size_mask(unsigned bytes) {
    return bytes >= 8 ? ~uint64_t{0} : (uint64_t{1} << (bytes * 8)) - 1;
}

} // namespace

uint64_t MmioAccess::load_result(uint64_t raw) const {
    uint64_t value = raw & size_mask(size);
    if (sign_extend && size < 8) {
        const uint64_t sign = uint64_t{1} << (size * 8 - 1);
        value = (value ^ sign) - sign;
    }
    return dest_64bit ? value : value & 0xffffffffu;
}

uint64_t MmioAccess::store_value(const VcpuRegisters& regs, unsigned which) const {
    const uint8_t reg = which == 0 ? rt : rt2;
    if (reg == kZeroRegister || reg == kNoRegister) return 0;
    return regs.gpr(reg) & size_mask(size);
}

void MmioAccess::complete(VcpuRegisters& regs, uint64_t value0, uint64_t value1) const {
    if (direction == AccessDirection::Read) {
        if (rt != kZeroRegister) regs.set_gpr(rt, load_result(value0));
        if (is_pair() && rt2 != kZeroRegister) regs.set_gpr(rt2, load_result(value1));
    }
    if (writeback && rn != kNoRegister) {
        if (rn == kZeroRegister) {
            regs.set_sp(regs.sp() + static_cast<uint64_t>(writeback_offset));
        } else {
            regs.set_gpr(rn, regs.gpr(rn) + static_cast<uint64_t>(writeback_offset));
        }
    }
    regs.set_pc(regs.pc() + 4);
}

} // namespace vmm
