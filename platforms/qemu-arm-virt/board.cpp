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
    // 2 MiB stage-2 blocks. QEMU 7.2 records a guest translation through a block as a large
    // page, so a guest TLBI by address flushes its whole TLB; but every 4 KiB leaf costs a
    // stage-2 table page the walk reads, and QEMU refills its TLB entry for each after every
    // guest context switch. QEMU's TLB refills counted with perf probes (after the idle
    // zeroing, 2026-12-04), leaves -> blocks: dd|md5sum (300 x 64 KiB) 1.628M -> 1.482M
    // (stage-2 table refills 179k -> 13k), 100x fork+exec 327k -> 322k. Guest seconds, the
    // two side by side on the two host CPUs, 12 pairs each, median blocks/leaves: dd|md5sum
    // 0.92, fork+exec 0.95, shell loop 0.80; boot to userspace (10 interleaved) 2.14 s
    // against 2.11 s. docs/ARCHITECTURE.md, "Stage-2 leaf size on qemu-arm-virt".
    .stage2_blocks = true,
    // QEMU sizes its TLB for a guest only when it is flushed, and a guest's exits to its
    // VMM flush it while the guest is nearly idle (typing on its console, for one), which
    // leaves it a few dozen entries for the busy guest that follows (2026-12-03: a shell loop
    // 8.09 s against 4.32 s; 18% of QEMU's time in its victim TLB). Each VMM reads a few
    // hundred pages before it blocks, so the switch back finds QEMU's TLB full enough to keep
    // (vmm/soft_tlb_ballast.hpp, with the figures that chose it over the kernel's former
    // 100 ms invalidation).
    .soft_tlb_ballast = true,
    // QEMU puts its DTB (with a fresh /chosen/rng-seed on every start) at the start of RAM
    // for an ELF it boots, and passes nothing in x0.
    .boot_dtb = PhysAddr{0x40000000},
}};

} // namespace
