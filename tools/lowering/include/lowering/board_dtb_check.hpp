// A board record against the board's DTB, when the build has it: the kernel console the
// record names must be a UART of that kind at that address with that SPI, or the kernel
// would write its console into some other device (or nothing) on the board; its GIC frames
// must be the DTB's GIC of the record's version.
#pragma once

#include <adl/device_tree.hpp>
#include <image/board.hpp>

#include <vector>

namespace lowering {

// What is wrong with `board`'s GIC and console in `dtb` (empty: nothing), each a field of
// the record (gicd, gic_version, gicc.., gicr, cpu_count, console.base, console.kind,
// console.irq) and what the DTB has.
std::vector<image::BoardProblem> check_board_against_dtb(const image::Board& board,
                                                         const adl::DeviceTree& dtb);

// The same, as an error naming the board's file, the DTB and each field; none when fine.
void require_board_matches_dtb(const image::Board& board, const adl::DeviceTree& dtb);

} // namespace lowering
