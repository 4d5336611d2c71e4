// The GICv2 list-register word (GICH_LRn): one virtual interrupt the GICV presents to a
// guest. The kernel writes these words to the hardware; the VMM builds them through the
// kernel's VcpuWriteListRegister. Arm IHI 0048B 5.3.11 GICH_LRn.
#pragma once

#include <cstdint>

namespace arm::gicv2 {

// Field positions, for code that tests a word without decoding it (the kernel's fast paths).
namespace lr {
inline constexpr uint32_t kVirtualIdMask = 0x3ff; // [9:0] VirtualID
inline constexpr unsigned kSourceShift = 10;      // [19:10] PhysicalID (HW), [12:10] CPUID
inline constexpr uint32_t kEoi = 1u << 19;        // HW = 0: maintenance interrupt on EOI
inline constexpr unsigned kPriorityShift = 23;    // [27:23]: priority bits [7:3]
inline constexpr uint32_t kPending = 1u << 28;    // State [29:28]
inline constexpr uint32_t kActive = 1u << 29;
inline constexpr uint32_t kStateMask = kPending | kActive;
inline constexpr uint32_t kGroup1 = 1u << 30;
inline constexpr uint32_t kHw = 1u << 31; // a physical interrupt: its EOI deactivates PhysicalID
} // namespace lr

// One list register's meaning. A default one encodes to 0, the empty register.
struct ListRegister {
    enum class State : uint8_t { Invalid = 0, Pending = 1, Active = 2, PendingActive = 3 };

    uint16_t virq = 0; // VirtualID
    State state = State::Invalid;
    uint8_t priority = 0; // 8-bit GIC priority; the register keeps bits [7:3]
    bool group1 = false;
    bool hw = false;
    uint16_t physical_id = 0;     // HW = 1: the physical INTID to deactivate
    uint8_t source_cpu = 0;       // HW = 0, SGIs: the requesting CPU (CPUID)
    bool eoi_maintenance = false; // HW = 0: maintenance interrupt when the guest EOIs it

    [[nodiscard]] constexpr uint32_t encode() const {
        const uint32_t source = hw ? (uint32_t(physical_id & 0x3ffu) << lr::kSourceShift)
                                   : ((eoi_maintenance ? lr::kEoi : 0) |
                                      (uint32_t(source_cpu & 7u) << lr::kSourceShift));
        return (hw ? lr::kHw : 0) | (group1 ? lr::kGroup1 : 0) | (uint32_t(state) << 28) |
               (uint32_t(priority >> 3) << lr::kPriorityShift) | source |
               (virq & lr::kVirtualIdMask);
    }
    [[nodiscard]] static constexpr ListRegister decode(uint32_t word) {
        ListRegister r;
        r.virq = static_cast<uint16_t>(word & lr::kVirtualIdMask);
        r.state = static_cast<State>((word >> 28) & 3);
        r.priority = static_cast<uint8_t>(((word >> lr::kPriorityShift) & 0x1f) << 3);
        r.group1 = (word & lr::kGroup1) != 0;
        r.hw = (word & lr::kHw) != 0;
        if (r.hw) {
            r.physical_id = static_cast<uint16_t>((word >> lr::kSourceShift) & 0x3ff);
        } else {
            r.source_cpu = static_cast<uint8_t>((word >> lr::kSourceShift) & 7);
            r.eoi_maintenance = (word & lr::kEoi) != 0;
        }
        return r;
    }
    constexpr bool operator==(const ListRegister&) const = default;
};

} // namespace arm::gicv2
