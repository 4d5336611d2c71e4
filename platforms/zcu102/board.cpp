// Xilinx ZCU102 (Zynq UltraScale+ MPSoC) as the image tool sees it; QEMU's xlnx-zcu102
// with `virtualization=on,secure=off -m 2048` models it: four Cortex-A53s, a GIC-400
// with its 64 KiB-aligned frames, Cadence UARTs, DDR from 0 (the low 2 GiB).
// Guest RAM (upstream vm_minimal: 0x10000000, 256 MiB) stays below the kernel pool.
#include <image/board.hpp>

namespace {

using base::PhysAddr;
using base::PhysRange;

const image::BoardRegistration registration{image::Board{
    .name = "zcu102",
    .ram = PhysRange{PhysAddr{0x0}, 0x80000000},
    .kernel_pool = PhysRange{PhysAddr{0x40000000}, 0x40000000},
    .gic_version = 2,
    .gicd = PhysAddr{0xf9010000},
    .gicc = PhysAddr{0xf9020000},
    .gich = PhysAddr{0xf9040000},
    .gicv = PhysAddr{0xf9060000},
    // UART0, the one the DTB's stdout-path names (serial0); SPI 21.
    .console = {.kind = spec::ConsoleKind::Cadence, .base = PhysAddr{0xff000000}, .irq = 53},
    .cpu_count = 4,
    // Stage-2 blocks (the default): fewer TLB entries and shorter walks on the A53, and
    // under QEMU they measured faster too (qemu-arm-virt's record has the figures).
    .stage2_blocks = true,
}};

} // namespace
