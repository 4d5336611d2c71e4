# NVIDIA Jetson TX1: built, not run here (QEMU has no Tegra210 machine). U-Boot on the
# board loads the image (docs/BOARDS.md).
set(BULKHEAD_PLATFORM_ARCH aarch64)
set(BULKHEAD_PLATFORM_RUNS_IN_QEMU OFF)
# The board DTB: Debian's linux-image-arm64 ships it.
set(BULKHEAD_PLATFORM_DTB_SOURCE debian:nvidia/tegra210-p2371-2180.dtb)
