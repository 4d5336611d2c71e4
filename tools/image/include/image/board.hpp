// Board descriptions for the image tool: memory map, GIC frames, console, timer
// interrupts. Each board registers itself from platforms/<board>/board.cpp; the tool
// looks boards up by name (no list of boards to edit anywhere).
#pragma once

#include <base/address.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace image {

struct Board {
    std::string name;
    base::PhysRange ram;         // all of the board's RAM
    base::PhysRange kernel_pool; // where the kernel, the spec and component memory go
    base::PhysAddr gicd, gicc, gich, gicv;
    base::PhysAddr uart; // kernel debug console (PL011)
    uint32_t uart_irq = 0;
    uint32_t hyp_timer_irq = 26;
    uint32_t virt_timer_irq = 27;
    uint32_t phys_timer_irq = 30;
    uint32_t cpu_count = 1;
    // False: stage-2 tables in 4 KiB pages only (spec::BoardStage2PagesOnly says why).
    bool stage2_blocks = true;
};

class BoardRegistry {
public:
    static void add(const Board& board);
    static const Board* find(const std::string& name); // nullptr if unknown
    static std::vector<std::string> names();
};

// `static image::BoardRegistration reg{Board{...}};` in a board's board.cpp.
struct BoardRegistration {
    explicit BoardRegistration(const Board& board) { BoardRegistry::add(board); }
};

} // namespace image
