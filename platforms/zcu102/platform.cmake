# Xilinx ZCU102 as QEMU 7.2's xlnx-zcu102 models it: EL2 available, no EL3 (QEMU answers
# PSCI itself), Cadence UART0 at 0xff000000 on the serial port. QEMU's DisplayPort model
# wants an audio backend: `-audiodev none` gives it a silent one.
set(BULKHEAD_PLATFORM_ARCH aarch64)
set(BULKHEAD_PLATFORM_QEMU_MACHINE "xlnx-zcu102,virtualization=on,secure=off")
set(BULKHEAD_PLATFORM_QEMU_CPU cortex-a53)
set(BULKHEAD_PLATFORM_QEMU_EXTRA_ARGS -audiodev none,id=snd0)
set(BULKHEAD_PLATFORM_QEMU_MEMORY_MB 2048)
set(BULKHEAD_PLATFORM_RUNS_IN_QEMU ON)
# The guest's console when it owns UART0 (benchmarks boot the guest directly with it).
set(BULKHEAD_PLATFORM_GUEST_CONSOLE ttyPS0)
# The board DTB: Debian's linux-image-arm64 ships it; qemu-dtb-fixups gives the console
# UART the clock the missing platform firmware would.
set(BULKHEAD_PLATFORM_DTB_SOURCE debian:xilinx/zynqmp-zcu102-rev1.0.dtb)
