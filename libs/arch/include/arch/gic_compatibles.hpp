// The device-tree compatibles of each GIC version's distributor node (Linux's bindings
// interrupt-controller/arm,gic.yaml and arm,gic-v3.yaml), written once: the VMM finds a
// board DTB's GIC by them (guest DTB), the image tool checks a board record's GIC version
// against them (lowering::check_board_against_dtb, `bulkhead_image compatibles`).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace arm {

struct GicCompatibles {
    uint32_t version;
    // Any of them; "" unused. Each is a string literal, so data() is NUL-terminated for
    // libfdt's C-string lookups.
    std::array<std::string_view, 4> compatible;
};

inline constexpr std::array<GicCompatibles, 2> kGicCompatibles{{
    {2, {"arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a9-gic", "arm,cortex-a7-gic"}},
    {3, {"arm,gic-v3", "", "", ""}},
}};

// The entry for `version`; nullptr when there is none.
constexpr const GicCompatibles* gic_compatibles(uint32_t version) {
    for (const GicCompatibles& g : kGicCompatibles)
        if (g.version == version) return &g;
    return nullptr;
}

} // namespace arm
