// qemu-arm-virt as the image tool sees it: `-machine virt,virtualization=on,
// highmem=off,secure=off,gic-version=2 -m 2048 -smp 4` (or gic-version=3, see gicv3). Guest RAM
// (unity-mapped) takes 0x40000000..0x60000000, so the kernel and components live above it.
#include <image/board.hpp>

namespace {

using base::PhysAddr;
using base::PhysRange;

const image::BoardRegistration registration{image::Board{
    .name = "qemu-arm-virt",
    .ram = PhysRange{PhysAddr{0x40000000}, 0x80000000},
    .kernel_pool = PhysRange{PhysAddr{0x60000000}, 0x60000000},
    .gic_version = 2,
    .gicd = PhysAddr{0x08000000},
    .gicc = PhysAddr{0x08010000},
    .gich = PhysAddr{0x08030000},
    .gicv = PhysAddr{0x08040000},
    // With gic-version=3 (platform.cmake's GIC_VERSIONS): the distributor at the same place,
    // the redistributors where QEMU's virt puts them (VIRT_GIC_REDIST, room for 123 CPUs).
    .gicv3 = {.gicd = PhysAddr{0x08000000}, .gicr = PhysAddr{0x080a0000}},
    .console = {.kind = spec::ConsoleKind::Pl011, .base = PhysAddr{0x09000000}, .irq = 33},
    .hyp_timer_irq = 26,
    .virt_timer_irq = 27,
    .phys_timer_irq = 30,
    .cpu_count = 4, // also QEMU's -smp (cmake/BulkheadPlatform.cmake reads it from here)
    // QEMU turns every guest TLBI by address into a full TLB flush once a stage-2
    // block backs a translation; 4 KiB leaves keep its TLB working as on hardware.
    // bench/workload, vm_minimal against the direct boot, guest seconds (2026-12-02, a
    // loaded 2-core host, so indicative): 4 KiB leaves (2 rounds) shell loop 1.09x, dd|md5sum
    // 1.87x, fork+exec 2.33x, touch 256 MiB 11.1x; 2 MiB blocks (1 round) 0.75x, 0.74x,
    // 2.81x, 12.8x. Blocks do not help the page-touching job and cost fork+exec most.
    .stage2_blocks = false,
    // QEMU sizes its TLB for a guest only when it is flushed, and a guest's exits to its
    // VMM flush it while the guest is nearly idle (typing on its console, for one), which
    // leaves it a few dozen entries for the busy guest that follows: the kernel invalidates a
    // busy guest's TLB every 100 ms so that QEMU can grow it. bench/workload, vm_minimal,
    // shell loop, guest seconds, one host CPU (2026-12-03): 8.09 s without against 4.32 s
    // with (the direct boot 4.31-5.02 s); 18% of QEMU's time had gone to its victim TLB.
    .regrow_soft_tlb = true,
}};

} // namespace
