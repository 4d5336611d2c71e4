// FwdRegisters' device without the kernel: sixteen 32-bit registers, 4-byte accesses only.
// 0x00 ID (read-only, "FWDR"), 0x04 COUNT (read-only: accesses served before this one),
// 0x08..0x3c scratch (read/write). Anything else is refused with a negative errno, which
// the VMM turns into an abort in the guest.
#pragma once

#include <array>
#include <cstdint>

namespace fwd_registers {

inline constexpr uint32_t kId = 0x52445746; // "FWDR" in memory order
inline constexpr uint64_t kIdOffset = 0x00;
inline constexpr uint64_t kCountOffset = 0x04;
inline constexpr uint64_t kSize = 0x40;
inline constexpr int32_t kBadSize = -22; // EINVAL
inline constexpr int32_t kNoSuch = -6;   // ENXIO

class RegisterFile {
public:
    int32_t read(uint64_t offset, int32_t size, uint64_t& value) {
        const int32_t check = admit(offset, size);
        if (check != 0) return check;
        value = offset == kIdOffset ? kId : offset == kCountOffset ? count_ : regs_[offset / 4];
        ++count_;
        return 0;
    }
    // Writes to the read-only registers are served and change nothing, as hardware's do.
    int32_t write(uint64_t offset, int32_t size, uint64_t value) {
        const int32_t check = admit(offset, size);
        if (check != 0) return check;
        if (offset != kIdOffset && offset != kCountOffset)
            regs_[offset / 4] = static_cast<uint32_t>(value);
        ++count_;
        return 0;
    }
    [[nodiscard]] uint32_t count() const { return count_; }

private:
    static int32_t admit(uint64_t offset, int32_t size) {
        if (size != 4 || offset % 4 != 0) return kBadSize;
        return offset < kSize ? 0 : kNoSuch;
    }

    std::array<uint32_t, kSize / 4> regs_{};
    uint32_t count_ = 0;
};

} // namespace fwd_registers
