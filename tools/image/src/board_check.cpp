// Board record checks: what a board.cpp can get wrong that would otherwise surface as a
// silent hang on the board (overlapping frames, a console in RAM, a pool outside RAM).
#include "image/board.hpp"

#include <arch/gic_v2.hpp>
#include <arch/gic_v3.hpp>
#include <arch/granule.hpp>

#include <sstream>

namespace image {
namespace {

constexpr uint64_t kPage = arm::granule::kPageBytes;
constexpr uint32_t kFirstPpi = 16;
constexpr uint32_t kFirstSpi = 32;
constexpr uint32_t kMaxShift = 3;

std::string hex(uint64_t v) {
    std::ostringstream s;
    s << "0x" << std::hex << v;
    return s.str();
}

struct Frame {
    const char* field;
    base::PhysRange range;
};

} // namespace

std::vector<BoardProblem> check_board(const Board& b) {
    std::vector<BoardProblem> out;
    const auto problem = [&](const char* field, const std::string& message) {
        out.push_back({field, message});
    };
    if (b.ram.size == 0 || b.ram.base.raw() % kPage != 0 || b.ram.size % kPage != 0)
        problem("ram", "empty or not page aligned");
    if (!b.ram.contains(b.kernel_pool)) {
        problem("kernel_pool", hex(b.kernel_pool.base.raw()) + ".." +
                                   hex(b.kernel_pool.end().raw()) + " is not inside ram " +
                                   hex(b.ram.base.raw()) + ".." + hex(b.ram.end().raw()));
    }
    if (b.gic_version != 2 && b.gic_version != 3) {
        problem("gic_version",
                std::to_string(b.gic_version) + ": the kernel drives GICv2 and GICv3");
    }
    if (b.cpu_count == 0) problem("cpu_count", "no CPUs");
    // The kernel reads the boot DTB through its map of RAM, and only there.
    if (b.boot_dtb.raw() != 0 &&
        (b.boot_dtb.raw() % 8 != 0 || b.boot_dtb < b.ram.base || !(b.boot_dtb < b.ram.end()))) {
        problem("boot_dtb", hex(b.boot_dtb.raw()) + " is not an 8-byte aligned address in ram");
    }

    std::vector<Frame> frames;
    if (b.gic_version == 3) {
        frames = {{"gicd", {b.gicd, arm::gicv3::gicd::kFrameSize}},
                  {"gicr", {b.gicr, arm::gicv3::gicr::kStride * b.cpu_count}}};
    } else {
        frames = {
            {"gicd", {b.gicd, arm::gicv2::gicd::kFrameSize}},
            {"gicc", {b.gicc, arm::gicv2::gicc::kFrameSize}},
            {"gich", {b.gich, kPage}},
            {"gicv", {b.gicv, arm::gicv2::gicc::kFrameSize}},
        };
    }
    if (b.console.kind != spec::ConsoleKind::None)
        frames.push_back({"console.base", {b.console.base, kPage}});
    for (const Frame& f : frames) {
        if (f.range.base.raw() == 0) {
            problem(f.field, "missing (address 0)");
            continue;
        }
        if (f.range.base.raw() % kPage != 0)
            problem(f.field, hex(f.range.base.raw()) + " is not page aligned");
        if (f.range.base < b.ram.end() && b.ram.base < f.range.end())
            problem(f.field, hex(f.range.base.raw()) + " is inside ram");
    }
    for (size_t i = 0; i < frames.size(); ++i) {
        for (size_t j = i + 1; j < frames.size(); ++j) {
            const base::PhysRange a = frames[i].range;
            const base::PhysRange c = frames[j].range;
            if (a.base.raw() != 0 && c.base.raw() != 0 && a.base < c.end() && c.base < a.end()) {
                problem(frames[j].field, hex(c.base.raw()) + " overlaps " + frames[i].field +
                                             " at " + hex(a.base.raw()));
            }
        }
    }
    if (b.console.kind != spec::ConsoleKind::None && b.console.irq != 0 &&
        b.console.irq < kFirstSpi)
        problem("console.irq", std::to_string(b.console.irq) + " is not an SPI");
    if (b.console.kind != spec::ConsoleKind::Ns16550 && b.console.reg_shift != 0)
        problem("console.reg_shift", "only an NS16550 console has a register shift");
    if (b.console.reg_shift > kMaxShift)
        problem("console.reg_shift", std::to_string(b.console.reg_shift) + " is more than 3");
    const std::pair<const char*, uint32_t> ppis[] = {{"hyp_timer_irq", b.hyp_timer_irq},
                                                     {"virt_timer_irq", b.virt_timer_irq},
                                                     {"phys_timer_irq", b.phys_timer_irq}};
    for (const auto& [field, irq] : ppis) {
        if (irq < kFirstPpi || irq >= kFirstSpi)
            problem(field, std::to_string(irq) + " is not a PPI (16..31)");
    }
    return out;
}

} // namespace image
