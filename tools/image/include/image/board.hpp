// Board descriptions for the image tool: memory map, GIC frames, console, timer
// interrupts. Each board registers itself from platforms/<board>/board.cpp; the tool
// looks boards up by name (no list of boards to edit anywhere). A record is checked
// (check_board) before anything is built from it; its problems name the board's file.
#pragma once

#include <base/address.hpp>
#include <spec/boot_info.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace image {

// The kernel console's UART: its kind picks the kernel's driver.
struct BoardConsole {
    spec::ConsoleKind kind = spec::ConsoleKind::None;
    base::PhysAddr base;
    uint32_t irq = 0;       // its SPI (INTID), for a component that owns its receiver
    uint32_t reg_shift = 0; // NS16550 only: register i at base + (i << reg_shift)
};

// The frames of a board's GICv3 (QEMU virt with gic-version=3): the distributor and the
// first of cpu_count redistributors (GICR: 128 KiB each).
struct BoardGicV3 {
    base::PhysAddr gicd, gicr;
};

struct Board {
    std::string name;
    base::PhysRange ram;                   // all of the board's RAM
    base::PhysRange kernel_pool;           // where the kernel, the spec and component memory go
    uint32_t gic_version = 2;              // the GIC images are built for unless asked otherwise
    base::PhysAddr gicd, gicc, gich, gicv; // GICv2 frames (gic_version 2)
    base::PhysAddr gicr;                   // GICv3: the first redistributor (gic_version 3)
    // A board that can also run with a GICv3 (an emulator's setting): its frames then;
    // zero: it cannot. for_gic_version() makes the record of that configuration.
    BoardGicV3 gicv3;
    BoardConsole console;
    // Timer PPIs (INTIDs); the defaults are the ones Arm's SBSA asks for, as most boards have.
    uint32_t hyp_timer_irq = 26;
    uint32_t virt_timer_irq = 27;
    uint32_t phys_timer_irq = 30;
    uint32_t cpu_count = 1;
    // False: stage-2 tables in 4 KiB pages only (spec::BoardStage2PagesOnly says why).
    bool stage2_blocks = true;
    // True: the board runs under QEMU's TCG, and each VMM keeps QEMU's TLB for its guest
    // from shrinking when it runs (vmm::SoftTlbBallast says why).
    bool soft_tlb_ballast = false;
    // Where the boot loader leaves its DTB if it does not pass it in x0 (zero: x0 only); the
    // kernel takes the boot entropy for the guests from its /chosen/rng-seed (spec::Board).
    base::PhysAddr boot_dtb;
    std::string where; // file:line of its registration (filled by BoardRegistration)
};

// The board as it runs with GIC `version` (0: its own gic_version); throws naming the
// board's file when it does not offer that version.
Board for_gic_version(const Board& board, uint32_t version);
// GIC versions `board` can run with (its own first).
std::vector<uint32_t> gic_versions(const Board& board);

// One thing wrong with a board record: the field and what is wrong with it.
struct BoardProblem {
    std::string field;
    std::string message;
};

// Everything wrong with `board` (empty: usable): frames overlapping each other or RAM,
// a kernel pool outside RAM, a console UART the board cannot have, timer lines that
// are not PPIs, a GIC version the kernel does not drive.
std::vector<BoardProblem> check_board(const Board& board);

class BoardRegistry {
public:
    static void add(const Board& board);
    static const Board* find(const std::string& name); // nullptr if unknown
    // The board, checked: throws naming the board's file, the field and the problem(s),
    // or the known boards when there is none of that name.
    static const Board& checked(const std::string& name);
    // The same for the board run with GIC `version` (0: its own).
    static Board checked(const std::string& name, uint32_t gic_version);
    static std::vector<std::string> names();
};

// `static image::BoardRegistration reg{Board{...}};` in a board's board.cpp; the file and
// line it is written at become Board::where.
struct BoardRegistration {
    explicit BoardRegistration(const Board& board, const char* file = __builtin_FILE(),
                               int line = __builtin_LINE());
};

} // namespace image
