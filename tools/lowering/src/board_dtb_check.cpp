// The board record's console against the board DTB (see board_dtb_check.hpp).
#include "lowering/board_dtb_check.hpp"

#include <arch/gic_compatibles.hpp>
#include <arch/gic_v3.hpp>
#include <image/dt_compatibles.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <span>
#include <stdexcept>
#include <string_view>

namespace lowering {
namespace {

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

bool is_one_of(const adl::DeviceMatch& node, std::span<const std::string_view> compatible) {
    return std::any_of(node.compatible.begin(), node.compatible.end(), [&](const std::string& c) {
        return std::find(compatible.begin(), compatible.end(), c) != compatible.end();
    });
}

void check_console(const image::Board& board, const adl::DeviceTree& dtb,
                   std::vector<image::BoardProblem>& out) {
    const image::BoardConsole& console = board.console;
    if (console.kind == spec::ConsoleKind::None) return;
    const std::optional<adl::DeviceMatch> node = dtb.device_at(console.base);
    if (!node) {
        out.push_back({"console.base", hex(console.base.raw()) + ": the DTB has no device there"});
        return;
    }
    const image::ConsoleCompatibles* kind = image::console_compatibles(console.kind);
    if (kind == nullptr) {
        out.push_back({"console.kind", "no DT compatible known for this kind"});
    } else if (!is_one_of(*node, kind->compatible)) {
        out.push_back({"console.kind", std::string(kind->title) + ", but " + node->path + " is " +
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
}

// The GIC at gicd is the DTB's GIC of the record's version, and its other frames are that
// node's next reg entries (v2: GICC, GICH, GICV; v3: the redistributors, room for all CPUs).
void check_gic(const image::Board& board, const adl::DeviceTree& dtb,
               std::vector<image::BoardProblem>& out) {
    const std::optional<adl::DeviceMatch> node = dtb.device_at(board.gicd);
    if (!node) {
        out.push_back({"gicd", hex(board.gicd.raw()) + ": the DTB has no device there"});
        return;
    }
    const bool v3 = board.gic_version == 3;
    const arm::GicCompatibles* gic = arm::gic_compatibles(board.gic_version);
    if (gic == nullptr || !is_one_of(*node, gic->compatible)) {
        out.push_back({"gic_version", "GICv" + std::to_string(board.gic_version) + ", but " +
                                          node->path + " is " + listed(node->compatible)});
        return;
    }
    const std::vector<std::pair<const char*, base::PhysAddr>> frames =
        v3 ? std::vector<std::pair<const char*, base::PhysAddr>>{{"gicr", board.gicr}}
           : std::vector<std::pair<const char*, base::PhysAddr>>{
                 {"gicc", board.gicc}, {"gich", board.gich}, {"gicv", board.gicv}};
    for (size_t i = 0; i < frames.size(); ++i) {
        const auto& [field, at] = frames[i];
        if (i + 1 >= node->registers.size()) {
            // GICH and GICV are the virtualization frames, which many DTBs leave out (seL4's
            // own tx2 DTB lists only GICD and GICC): absent is no contradiction.
            if (i > 0) continue;
            out.push_back({field, hex(at.raw()) + ", but " + node->path + " has no reg entry " +
                                      std::to_string(i + 1)});
        } else if (node->registers[i + 1].base != at) {
            out.push_back({field, hex(at.raw()) + ", but " + node->path + "'s reg entry " +
                                      std::to_string(i + 1) + " is " +
                                      hex(node->registers[i + 1].base.raw())});
        }
    }
    if (v3 && node->registers.size() > 1 &&
        node->registers[1].size < uint64_t{board.cpu_count} * arm::gicv3::gicr::kStride) {
        out.push_back(
            {"cpu_count", std::to_string(board.cpu_count) + " redistributors, but " + node->path +
                              "'s GICR frame has room for " +
                              std::to_string(node->registers[1].size / arm::gicv3::gicr::kStride)});
    }
}

} // namespace

std::vector<image::BoardProblem> check_board_against_dtb(const image::Board& board,
                                                         const adl::DeviceTree& dtb) {
    std::vector<image::BoardProblem> out;
    check_gic(board, dtb, out);
    check_console(board, dtb, out);
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
