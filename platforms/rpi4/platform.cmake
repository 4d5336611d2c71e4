# Raspberry Pi 4 Model B: built, not run here (QEMU 7.2 has no raspi4b machine). The
# board's firmware loads the image (docs/BOARDS.md).
set(BULKHEAD_PLATFORM_ARCH aarch64)
set(BULKHEAD_PLATFORM_RUNS_IN_QEMU OFF)
# The board DTB: Debian's linux-image-arm64 ships it; dtb-fixups fills in what the Pi's
# firmware would (the memory node).
set(BULKHEAD_PLATFORM_DTB_SOURCE debian:broadcom/bcm2711-rpi-4-b.dtb)
