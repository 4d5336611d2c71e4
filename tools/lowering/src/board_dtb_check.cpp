// The board record's console against the board DTB (see board_dtb_check.hpp).
#include "lowering/board_dtb_check.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <stdexcept>
#include <string_view>

namespace lowering {
namespace {

struct KindCompatibles {
    spec::ConsoleKind kind;
    const char* name;
    std::array<std::string_view, 3> compatible; // any of them; "" unused
};

// The DT compatibles each console kind's UART carries (the kernel's drivers' register
// layouts: Linux's amba-pl011, 8250_of / Tegra, xilinx_uartps, imx).
constexpr std::array<KindCompatibles, 4> kKinds{{
    {spec::ConsoleKind::Pl011, "PL011", {"arm,pl011", "", ""}},
    {spec::ConsoleKind::Ns16550, "NS16550", {"ns16550a", "ns16550", "nvidia,tegra20-uart"}},
    {spec::ConsoleKind::Cadence, "Cadence", {"cdns,uart-r1p12", "xlnx,xuartps", ""}},
    {spec::ConsoleKind::Imx, "i.MX", {"fsl,imx21-uart", "fsl,imx6q-uart", ""}},
}};

std::string hex(uint64_t v) {
    char text[24];
    std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(v));
    return text;
}

std::string listed(const std::vector<std::string>& strings) {
    std::string out;
    for (const std::string& s : strings)
        out += (out.empty() ? "\"" : ", \"") + s + "\"";
    return out.empty() ? "no compatible" : out;
}

} // namespace

std::vector<image::BoardProblem> check_board_against_dtb(const image::Board& board,
                                                         const adl::DeviceTree& dtb) {
    std::vector<image::BoardProblem> out;
    const image::BoardConsole& console = board.console;
    if (console.kind == spec::ConsoleKind::None) return out;
    const std::optional<adl::DeviceMatch> node = dtb.device_at(console.base);
    if (!node) {
        out.push_back({"console.base", hex(console.base.raw()) + ": the DTB has no device there"});
        return out;
    }
    const auto* kind = std::find_if(kKinds.begin(), kKinds.end(), [&](const KindCompatibles& k) {
        return k.kind == console.kind;
    });
    if (kind == kKinds.end()) {
        out.push_back({"console.kind", "no DT compatible known for this kind"});
    } else if (std::none_of(node->compatible.begin(), node->compatible.end(),
                            [&](const std::string& c) {
                                return std::find(kind->compatible.begin(), kind->compatible.end(),
                                                 c) != kind->compatible.end();
                            })) {
        out.push_back({"console.kind", std::string(kind->name) + ", but " + node->path + " is " +
                                           listed(node->compatible)});
    }
    if (console.irq != 0 &&
        (node->interrupts.empty() || node->interrupts.front().id != console.irq)) {
        out.push_back({"console.irq",
                       std::to_string(console.irq) + ", but " + node->path + " has " +
                           (node->interrupts.empty()
                                ? std::string("no interrupt")
                                : "interrupt " + std::to_string(node->interrupts.front().id))});
    }
    return out;
}

void require_board_matches_dtb(const image::Board& board, const adl::DeviceTree& dtb) {
    const std::vector<image::BoardProblem> problems = check_board_against_dtb(board, dtb);
    if (problems.empty()) return;
    std::string what;
    for (const image::BoardProblem& p : problems) {
        what += (what.empty() ? "" : "\n") + board.where + ": board " + board.name + ": " +
                p.field + ": " + p.message + " (board DTB " + dtb.name() + ")";
    }
    throw std::runtime_error(what);
}

} // namespace lowering
