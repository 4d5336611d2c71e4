# NVIDIA Jetson TX2: built, not run here (QEMU has no Tegra186 machine). U-Boot on the
# board loads the image (docs/BOARDS.md).
set(BULKHEAD_PLATFORM_ARCH aarch64)
set(BULKHEAD_PLATFORM_RUNS_IN_QEMU OFF)
# The board DTB: Debian's kernel packages ship no Tegra186 DTB; it is compiled from
# linux-source-6.1's tegra186-p2771-0000.dts (scripts/board_dtb.py).
set(BULKHEAD_PLATFORM_DTB_SOURCE linux-source:nvidia/tegra186-p2771-0000.dts)
