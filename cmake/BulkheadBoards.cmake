# Every board in platforms/ takes part in the host build: its folder's CMakeLists.txt
# (through bulkhead_board_begin/end) makes its DTB and exports its build-side facts, so
# images for every board can be built and checked in one build. The board PLATFORM names
# is the one `make run` boots; its facts are also BULKHEAD_PLATFORM_* (platform.cmake).
#
# Exported per board <b> (cache, INTERNAL):
#   BULKHEAD_BOARD_<b>_DTB           the board DTB the tool reads and the guest gets
#   BULKHEAD_BOARD_<b>_DTB_TARGET    the target that makes it
#   BULKHEAD_BOARD_<b>_QEMU          QEMU's command line up to the image (empty: the
#                                    board does not run in QEMU)
#   BULKHEAD_BOARD_<b>_QEMU_SMP      ON when that machine's core count is an option (-smp)
#   BULKHEAD_BOARD_<b>_GICV3_DTB     for a board that also runs with a GICv3 (platform.cmake's
#   BULKHEAD_BOARD_<b>_GICV3_QEMU    QEMU_MACHINE_GICV3, board.cpp's gicv3 frames): its DTB
#                                    and QEMU command then (empty otherwise)
# and the global property BULKHEAD_BOARDS_IN_QEMU. The board whose platform.cmake sets
# BULKHEAD_PLATFORM_TEST_REFERENCE is BULKHEAD_REFERENCE_BOARD (its DTB:
# BULKHEAD_REFERENCE_DTB, also the C++ definition BULKHEAD_REFERENCE_BOARD): the one the
# portable tests' fixtures are written against, whatever PLATFORM is.

# In a board folder's CMakeLists.txt, first: BULKHEAD_BOARD (the folder's name), the
# board's platform.cmake facts as BULKHEAD_PLATFORM_* in the folder's scope.
macro(bulkhead_board_begin)
  get_filename_component(BULKHEAD_BOARD ${CMAKE_CURRENT_SOURCE_DIR} NAME)
  foreach(_fact QEMU_MACHINE QEMU_MACHINE_GICV3 QEMU_CPU QEMU_MEMORY_MB QEMU_SMP QEMU_EXTRA_ARGS
                RUNS_IN_QEMU DTB_SOURCE TEST_REFERENCE QEMU_UBOOT)
    unset(BULKHEAD_PLATFORM_${_fact})
  endforeach()
  bulkhead_read_platform(${CMAKE_CURRENT_SOURCE_DIR})
endmacro()

# Last: the board's DTB is <dtb> (made by <target>, which also makes GICV3_DTB, the DTB of
# the board run with a GICv3); exports the facts above.
function(bulkhead_board_end dtb target)
  cmake_parse_arguments(E "" "GICV3_DTB" "" ${ARGN})
  set(b ${BULKHEAD_BOARD})
  set(BULKHEAD_BOARD_${b}_DTB ${dtb} CACHE INTERNAL "${b}'s board DTB")
  set(BULKHEAD_BOARD_${b}_DTB_TARGET ${target} CACHE INTERNAL "${b}'s board DTB target")
  set(BULKHEAD_BOARD_${b}_GICV3_DTB "${E_GICV3_DTB}" CACHE INTERNAL "${b}'s board DTB, GICv3")
  set(qemu "")
  set(qemu3 "")
  if(BULKHEAD_PLATFORM_RUNS_IN_QEMU)
    set(rest -cpu ${BULKHEAD_PLATFORM_QEMU_CPU} -m ${BULKHEAD_PLATFORM_QEMU_MEMORY_MB}
        ${BULKHEAD_PLATFORM_QEMU_SMP_ARGS} ${BULKHEAD_PLATFORM_QEMU_EXTRA_ARGS})
    set(qemu qemu-system-aarch64 -machine ${BULKHEAD_PLATFORM_QEMU_MACHINE} ${rest})
    if(E_GICV3_DTB)
      set(qemu3 qemu-system-aarch64 -machine ${BULKHEAD_PLATFORM_QEMU_MACHINE_GICV3} ${rest})
    endif()
    set_property(GLOBAL APPEND PROPERTY BULKHEAD_BOARDS_IN_QEMU ${b})
  endif()
  set(BULKHEAD_BOARD_${b}_QEMU "${qemu}" CACHE INTERNAL "${b}'s QEMU command")
  set(BULKHEAD_BOARD_${b}_QEMU_SMP "${BULKHEAD_PLATFORM_QEMU_SMP}" CACHE INTERNAL
      "${b}'s QEMU machine takes -smp")
  set(BULKHEAD_BOARD_${b}_GICV3_QEMU "${qemu3}" CACHE INTERNAL "${b}'s QEMU command, GICv3")
  if(BULKHEAD_PLATFORM_TEST_REFERENCE)
    set_property(GLOBAL APPEND PROPERTY BULKHEAD_REFERENCE_BOARDS ${b})
  endif()
endfunction()

# For a board whose DTB_SOURCE is debian:<path under usr/lib/linux-image-*/> (the DTB from
# Debian's linux-image-arm64) or linux-source:<path under arch/arm64/boot/dts/> (compiled
# from linux-source-6.1): the DTB (scripts/board_dtb.py: download cache, never installed),
# with the fdtput lines of FIXUPS applied; ends the board.
function(bulkhead_board_debian_dtb)
  cmake_parse_arguments(D "" "FIXUPS" "" ${ARGN})
  if(NOT BULKHEAD_PLATFORM_DTB_SOURCE MATCHES "^(debian|linux-source):(.+)$")
    message(FATAL_ERROR "${CMAKE_CURRENT_SOURCE_DIR}/platform.cmake: DTB_SOURCE is neither "
                        "debian:<path> nor linux-source:<path>")
  endif()
  set(what "Debian linux-image-arm64")
  if(CMAKE_MATCH_1 STREQUAL "linux-source")
    set(what "linux-source-6.1")
  endif()
  set(dtb ${CMAKE_CURRENT_BINARY_DIR}/${BULKHEAD_BOARD}.dtb)
  set(fixups "")
  if(D_FIXUPS)
    set(fixups ${CMAKE_CURRENT_SOURCE_DIR}/${D_FIXUPS})
  endif()
  add_custom_command(
    OUTPUT ${dtb}
    COMMAND python3 ${BULKHEAD_ROOT}/scripts/board_dtb.py ${BULKHEAD_PLATFORM_DTB_SOURCE} ${dtb} ${fixups}
    DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/platform.cmake ${fixups}
            ${BULKHEAD_ROOT}/scripts/board_dtb.py ${BULKHEAD_ROOT}/scripts/debfetch.py
    COMMENT "Board DTB for ${BULKHEAD_BOARD} (${what})"
    VERBATIM)
  add_custom_target(board_dtb_${BULKHEAD_BOARD} ALL DEPENDS ${dtb})
  bulkhead_board_end(${dtb} board_dtb_${BULKHEAD_BOARD})
endfunction()

foreach(_board IN LISTS BULKHEAD_PLATFORMS)
  add_subdirectory(${BULKHEAD_ROOT}/platforms/${_board} platform/${_board})
endforeach()
get_property(BULKHEAD_REFERENCE_BOARD GLOBAL PROPERTY BULKHEAD_REFERENCE_BOARDS)
list(LENGTH BULKHEAD_REFERENCE_BOARD _n)
if(NOT _n EQUAL 1)
  message(FATAL_ERROR "platforms/*/platform.cmake: exactly one board sets BULKHEAD_PLATFORM_TEST_REFERENCE "
                      "(found: '${BULKHEAD_REFERENCE_BOARD}')")
endif()
set(BULKHEAD_REFERENCE_DTB ${BULKHEAD_BOARD_${BULKHEAD_REFERENCE_BOARD}_DTB})
add_compile_definitions(BULKHEAD_REFERENCE_BOARD="${BULKHEAD_REFERENCE_BOARD}")
set(BULKHEAD_PLATFORM_DTB ${BULKHEAD_BOARD_${PLATFORM}_DTB})
# Linux booted directly on PLATFORM's machine, without Bulkhead (tests/baseline, the
# benchmarks' direct boot): the board DTB when QEMU does not make the board's DTB itself.
# Its console is BULKHEAD_PLATFORM_GUEST_CONSOLE (platform.cmake).
set(BULKHEAD_DIRECT_LINUX_QEMU_ARGS "")
if(NOT BULKHEAD_PLATFORM_DTB_SOURCE STREQUAL "qemu-dumpdtb")
  set(BULKHEAD_DIRECT_LINUX_QEMU_ARGS -dtb ${BULKHEAD_PLATFORM_DTB})
endif()
add_custom_target(platform_dtb ALL)
add_dependencies(platform_dtb ${BULKHEAD_BOARD_${PLATFORM}_DTB_TARGET}
                 ${BULKHEAD_BOARD_${BULKHEAD_REFERENCE_BOARD}_DTB_TARGET})
