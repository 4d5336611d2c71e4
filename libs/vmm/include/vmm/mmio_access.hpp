// A decoded guest memory access that trapped to the VMM (typically MMIO): where, how
// wide, which direction and which registers, and how to complete it on the vCPU.
#pragma once

#include <vmm/vcpu_registers.hpp>

#include <base/address.hpp>

#include <cstdint>

namespace vmm {

enum class AccessDirection : uint8_t { Read, Write };

struct MmioAccess {
    static constexpr uint8_t kZeroRegister = 31; // as Rt: XZR; as Rn: SP
    static constexpr uint8_t kNoRegister = 0xff;

    base::GuestPhysAddr ipa{};
    uint8_t size = 0; // bytes per register: 1, 2, 4 or 8
    AccessDirection direction = AccessDirection::Read;
    uint8_t rt = 0;            // transfer register (31 = XZR)
    uint8_t rt2 = kNoRegister; // second register of LDP/STP
    bool sign_extend = false;  // loads: sign-extend the loaded value
    bool dest_64bit = false;   // loads: the destination is Xt (else Wt: upper half zeroed)
    bool acquire_release = false;
    bool writeback = false;   // pre/post-indexed: Rn += writeback_offset
    uint8_t rn = kNoRegister; // base register (31 = SP)
    int64_t writeback_offset = 0;

    [[nodiscard]] bool is_pair() const { return rt2 != kNoRegister; }
    [[nodiscard]] uint64_t total_bytes() const { return is_pair() ? 2u * size : size; }
    [[nodiscard]] bool is_write() const { return direction == AccessDirection::Write; }

    // The register value a load of raw (the device's bytes, zero-extended) produces.
    // Inline: every emulated load comes here.
    [[nodiscard]] uint64_t load_result(uint64_t raw) const {
        uint64_t value = raw;
        if (size < 8) {
            const unsigned bits = size * 8u;
            value &= (uint64_t{1} << bits) - 1;
            if (sign_extend) {
                const uint64_t sign = uint64_t{1} << (bits - 1);
                value = (value ^ sign) - sign;
            }
        }
        return dest_64bit ? value : value & 0xffffffffu;
    }
    // The registers completing the access reads (VcpuRegisters::prefetch): a store's
    // data registers, a writeback's base.
    [[nodiscard]] uint32_t registers_read() const;
    // The value a store of register `which` (0 = rt, 1 = rt2) carries, truncated to size.
    [[nodiscard]] uint64_t store_value(const VcpuRegisters& regs, unsigned which) const;
    // Completes the access on the vCPU: loaded values into the registers (values[1]
    // only for pairs), base writeback, PC past the instruction. The common emulated load
    // (one register, no writeback) inline and in one call on the vCPU; the rest out of line.
    void complete(VcpuRegisters& regs, uint64_t value0, uint64_t value1 = 0) const {
        if (direction == AccessDirection::Read && rt != kZeroRegister && !is_pair() && !writeback) {
            regs.complete_load(rt, load_result(value0));
            return;
        }
        complete_other(regs, value0, value1);
    }
    // complete()'s other cases: XZR, pairs, writeback, stores.
    void complete_other(VcpuRegisters& regs, uint64_t value0, uint64_t value1) const;
};

} // namespace vmm
