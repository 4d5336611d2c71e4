// Completing an emulated access on the vCPU: register width, sign extension, pairs
// and base-register writeback.
#include <vmm/mmio_access.hpp>

namespace vmm {
namespace {

uint64_t size_mask(unsigned bytes) {
    return bytes >= 8 ? ~uint64_t{0} : (uint64_t{1} << (bytes * 8)) - 1;
}

} // namespace

uint32_t MmioAccess::registers_read() const {
    uint32_t mask = 0;
    const auto add = [&mask](uint8_t reg) {
        if (reg < kZeroRegister) mask |= 1u << reg;
    };
    if (is_write()) {
        add(rt);
        if (is_pair()) add(rt2);
    }
    if (writeback && rn != kNoRegister) {
        if (rn == kZeroRegister) {
            mask |= VcpuRegisters::kSpBit;
        } else {
            add(rn);
        }
    }
    return mask;
}

uint64_t MmioAccess::store_value(const VcpuRegisters& regs, unsigned which) const {
    const uint8_t reg = which == 0 ? rt : rt2;
    if (reg == kZeroRegister || reg == kNoRegister) return 0;
    return regs.gpr(reg) & size_mask(size);
}

void MmioAccess::complete_other(VcpuRegisters& regs, uint64_t value0, uint64_t value1) const {
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
    regs.advance_pc();
}

} // namespace vmm
