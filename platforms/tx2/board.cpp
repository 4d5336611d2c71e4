// NVIDIA Jetson TX2 (Tegra186) as the image tool sees it: the four Cortex-A57s of the
// big cluster (the Denver cores stay off), GIC-400, UART-A (an NS16550 with 32-bit
// register spacing) as the console. RAM from 0x80000000, the low 2 GiB of it here (the
// kernel map reaches 4 GiB). Guest RAM (upstream vm_minimal: 0xf1000000, 128 MiB, 1:1)
// sits above the kernel pool.
#include <image/board.hpp>

namespace {

using base::PhysAddr;
using base::PhysRange;

const image::BoardRegistration registration{image::Board{
    .name = "tx2",
    .ram = PhysRange{PhysAddr{0x80000000}, 0x80000000},
    .kernel_pool = PhysRange{PhysAddr{0x90000000}, 0x40000000},
    .gic_version = 2,
    .gicd = PhysAddr{0x03881000},
    .gicc = PhysAddr{0x03882000},
    .gich = PhysAddr{0x03884000},
    .gicv = PhysAddr{0x03886000},
    // UART-A, SPI 112, reg-shift 2 as the DTB's serial@3100000 says.
    .console = {.kind = spec::ConsoleKind::Ns16550,
                .base = PhysAddr{0x03100000},
                .irq = 144,
                .reg_shift = 2},
    .cpu_count = 4,
}};

} // namespace
