# QEMU's virt board as Bulkhead's reference platform: GICv2, EL2 available,
# PL011 at 0x9000000. The board DTB is dumped by QEMU itself at build time.
set(BULKHEAD_PLATFORM_ARCH aarch64)
set(_virt "virt,virtualization=on,highmem=off,secure=off")
set(BULKHEAD_PLATFORM_QEMU_MACHINE "${_virt},gic-version=2")
# The same machine with a GICv3 (board.cpp's gicv3 frames, a DTB dumped with it): images
# and the system tests' _gicv3 twins are built for it too; `make run GIC_VERSION=3` boots it.
set(BULKHEAD_PLATFORM_QEMU_MACHINE_GICV3 "${_virt},gic-version=3")
set(BULKHEAD_PLATFORM_QEMU_CPU cortex-a53)
# No default NIC: no component owns one, and QEMU's default virtio-net-pci would need the
# option ROM from ipxe-qemu, which a minimal install does not have.
set(BULKHEAD_PLATFORM_QEMU_EXTRA_ARGS -nic none)
set(BULKHEAD_PLATFORM_QEMU_MEMORY_MB 2048)
# The machine's core count is an option (-smp): it is board.cpp's cpu_count, the cores the
# kernel runs on and the tool pins components to (cmake/BulkheadPlatform.cmake reads it).
set(BULKHEAD_PLATFORM_QEMU_SMP ON)
set(BULKHEAD_PLATFORM_GUEST_CONSOLE ttyAMA0)
set(BULKHEAD_PLATFORM_RUNS_IN_QEMU ON)
# U-Boot for this machine, as a board would boot the system (Debian's u-boot-qemu, which
# scripts/install-deps.sh installs): vm_minimal_boots_from_uboot, docs/BOARDS.md.
set(BULKHEAD_PLATFORM_QEMU_UBOOT /usr/lib/u-boot/qemu_arm64/u-boot.bin)
# The portable tests' fixtures (tool, lowering, image, kernel systems) are written against
# this board's record and DTB: BULKHEAD_REFERENCE_BOARD. Exactly one board says so.
set(BULKHEAD_PLATFORM_TEST_REFERENCE ON)
# How the board DTB is obtained: QEMU dumps the one it would hand to a guest.
set(BULKHEAD_PLATFORM_DTB_SOURCE qemu-dumpdtb)
