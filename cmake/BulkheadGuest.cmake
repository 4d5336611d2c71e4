# bulkhead_guest(NAME <name> [OVERLAYS dir...] [BOARD_KERNEL])
# Builds the guest images `linux` and `linux-initrd` into ${CMAKE_BINARY_DIR}/guest/<name>
# with guest/build_guest.py (Debian kernel + busybox initramfs + overlay folders).
# BOARD_KERNEL: Debian's generic arm64 kernel, whose DTBs the boards use, instead of the
# pinned cloud kernel (it has the SoC drivers, e.g. ZynqMP's firmware interface).
# Sets BULKHEAD_GUEST_<name>_DIR in the caller's scope; the target is guest_<name>.
function(bulkhead_guest)
  cmake_parse_arguments(G "BOARD_KERNEL" "NAME" "OVERLAYS" ${ARGN})
  set(out ${CMAKE_BINARY_DIR}/guest/${G_NAME})
  set(deps ${BULKHEAD_ROOT}/guest/build_guest.py ${BULKHEAD_ROOT}/guest/init ${BULKHEAD_ROOT}/guest/guest.lock)
  set(overlay_args "")
  if(G_BOARD_KERNEL)
    set(overlay_args --board-kernel)
  endif()
  foreach(o IN LISTS G_OVERLAYS)
    file(GLOB_RECURSE ofiles CONFIGURE_DEPENDS ${o}/*)
    list(APPEND deps ${ofiles})
    list(APPEND overlay_args --overlay ${o})
    # An overlay the target build makes (guest/crossvm's programs): after it, again when
    # its binaries change.
    string(FIND "${o}" "${BULKHEAD_TARGET_BINARY_DIR}/" _in_target)
    if(_in_target EQUAL 0)
      list(APPEND deps ${BULKHEAD_TARGET_STAMP} bulkhead_target)
    endif()
  endforeach()
  add_custom_command(
    OUTPUT ${out}/linux ${out}/linux-initrd
    COMMAND python3 ${BULKHEAD_ROOT}/guest/build_guest.py --out ${out} ${overlay_args}
    DEPENDS ${deps}
    COMMENT "Guest image ${G_NAME}: Debian kernel + busybox initramfs"
    VERBATIM)
  add_custom_target(guest_${G_NAME} ALL DEPENDS ${out}/linux ${out}/linux-initrd)
  set(BULKHEAD_GUEST_${G_NAME}_DIR ${out} PARENT_SCOPE)
endfunction()
