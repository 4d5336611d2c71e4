// The device-tree compatibles of each console kind's UART, written once (each GIC version's
// are arm::kGicCompatibles, arch/gic_compatibles.hpp, which the VMM shares). The tool checks
// a board DTB against them (lowering::check_board_against_dtb); `bulkhead_image compatibles`
// prints both for the scripts that check images against DTBs
// (tests/tool/board_image_check.py).
#pragma once

#include <spec/boot_info.hpp>

#include <array>
#include <cstdint>
#include <string_view>

namespace image {

struct ConsoleCompatibles {
    spec::ConsoleKind kind;
    std::string_view name;                      // as `bulkhead_image inspect` prints the kind
    std::string_view title;                     // in error messages
    std::array<std::string_view, 3> compatible; // any of them; "" unused
};

// The kernel's drivers' register layouts: Linux's amba-pl011, 8250_of / Tegra,
// xilinx_uartps, imx.
inline constexpr std::array<ConsoleCompatibles, 4> kConsoleCompatibles{{
    {spec::ConsoleKind::Pl011, "pl011", "PL011", {"arm,pl011", "", ""}},
    {spec::ConsoleKind::Ns16550,
     "ns16550",
     "NS16550",
     {"ns16550a", "ns16550", "nvidia,tegra20-uart"}},
    {spec::ConsoleKind::Cadence, "cadence", "Cadence", {"cdns,uart-r1p12", "xlnx,xuartps", ""}},
    {spec::ConsoleKind::Imx, "imx", "i.MX", {"fsl,imx21-uart", "fsl,imx6q-uart", ""}},
}};

// The entry for `kind`; nullptr when there is none.
constexpr const ConsoleCompatibles* console_compatibles(spec::ConsoleKind kind) {
    for (const ConsoleCompatibles& c : kConsoleCompatibles)
        if (c.kind == kind) return &c;
    return nullptr;
}

} // namespace image
