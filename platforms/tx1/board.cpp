// NVIDIA Jetson TX1 (Tegra210) as the image tool sees it: four Cortex-A57s, GIC-400,
// UART-A (an NS16550 with 32-bit register spacing) as the console. RAM from 0x80000000;
// the kernel map reaches the low 4 GiB, so the board's RAM here is the 2 GiB below it.
// Guest RAM (upstream vm_minimal: 0x80000000, 128 MiB) stays below the kernel pool.
#include <image/board.hpp>

namespace {

using base::PhysAddr;
using base::PhysRange;

const image::BoardRegistration registration{image::Board{
    .name = "tx1",
    .ram = PhysRange{PhysAddr{0x80000000}, 0x80000000},
    .kernel_pool = PhysRange{PhysAddr{0x90000000}, 0x40000000},
    .gic_version = 2,
    .gicd = PhysAddr{0x50041000},
    .gicc = PhysAddr{0x50042000},
    .gich = PhysAddr{0x50044000},
    .gicv = PhysAddr{0x50046000},
    // UART-A, SPI 36, reg-shift 2 as the DTB's serial@70006000 says.
    .console = {.kind = spec::ConsoleKind::Ns16550,
                .base = PhysAddr{0x70006000},
                .irq = 68,
                .reg_shift = 2},
    .cpu_count = 4,
}};

} // namespace
