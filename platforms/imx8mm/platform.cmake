# NXP i.MX8M Mini EVK: built, not run here (QEMU 7.2 has no i.MX8MM machine). U-Boot on the
# board loads the image (docs/BOARDS.md).
set(BULKHEAD_PLATFORM_ARCH aarch64)
set(BULKHEAD_PLATFORM_RUNS_IN_QEMU OFF)
# The board DTB: Debian's linux-image-arm64 ships it, memory node filled in (2 GiB from
# 0x40000000, the EVK's LPDDR4), so nothing is fixed up.
set(BULKHEAD_PLATFORM_DTB_SOURCE debian:freescale/imx8mm-evk.dtb)
