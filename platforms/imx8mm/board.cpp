// NXP i.MX8M Mini EVK as the image tool sees it: four Cortex-A53s, a GICv3 (distributor and
// one redistributor per core; no GICv2 frames, the guest's CPU interface is system
// registers), the i.MX UART2 as the console (U-Boot's and Linux's serial console on the
// EVK, and seL4's). RAM: the EVK's 2 GiB from 0x40000000. Guest RAM (256 MiB at
// 0x50000000) lies below the kernel pool; the top 512 MiB stay for U-Boot and OP-TEE.
#include <image/board.hpp>

namespace {

using base::PhysAddr;
using base::PhysRange;

const image::BoardRegistration registration{image::Board{
    .name = "imx8mm",
    .ram = PhysRange{PhysAddr{0x40000000}, 0x80000000},
    .kernel_pool = PhysRange{PhysAddr{0x60000000}, 0x40000000},
    .gic_version = 3,
    // The DTB's interrupt-controller@38800000: GICD, then the redistributors' 0xc0000.
    .gicd = PhysAddr{0x38800000},
    .gicr = PhysAddr{0x38880000},
    // UART2, /soc@0/bus@30800000/spba-bus@30800000/serial@30890000 (stdout-path), SPI 27.
    .console = {.kind = spec::ConsoleKind::Imx, .base = PhysAddr{0x30890000}, .irq = 59},
    // The DTB's timer node: PPIs 10 (hypervisor), 11 (virtual), 14 (non-secure physical).
    .hyp_timer_irq = 26,
    .virt_timer_irq = 27,
    .phys_timer_irq = 30,
    .cpu_count = 4,
}};

} // namespace
