// Raspberry Pi 4 Model B (BCM2711, 4 GB) as the image tool sees it: four Cortex-A72s,
// GIC-400 at its ARM-side addresses, the PL011 UART0 as the console. RAM here is the
// 2 GiB from 0x40000000 (the kernel maps GiBs with RAM as Normal memory; the fourth GiB
// holds the peripherals); guest RAM (upstream vm_minimal: 0x50000000, 256 MiB) lies in it.
#include <image/board.hpp>

namespace {

using base::PhysAddr;
using base::PhysRange;

const image::BoardRegistration registration{image::Board{
    .name = "rpi4",
    .ram = PhysRange{PhysAddr{0x40000000}, 0x80000000},
    .kernel_pool = PhysRange{PhysAddr{0x80000000}, 0x40000000},
    .gic_version = 2,
    .gicd = PhysAddr{0xff841000},
    .gicc = PhysAddr{0xff842000},
    .gich = PhysAddr{0xff844000},
    .gicv = PhysAddr{0xff846000},
    // UART0 (the DTB's /soc/serial@7e201000 through the bus's ranges), SPI 121.
    .console = {.kind = spec::ConsoleKind::Pl011, .base = PhysAddr{0xfe201000}, .irq = 153},
    .cpu_count = 4,
}};

} // namespace
