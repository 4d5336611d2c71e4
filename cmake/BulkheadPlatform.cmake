# Checks PLATFORM and CAMKES_VM_APP against what exists and loads the board's
# build-side description (platforms/<board>/platform.cmake).
file(GLOB _platform_files RELATIVE ${BULKHEAD_ROOT}/platforms ${BULKHEAD_ROOT}/platforms/*/platform.cmake)
set(BULKHEAD_PLATFORMS "")
foreach(f IN LISTS _platform_files)
  get_filename_component(_d ${f} DIRECTORY)
  list(APPEND BULKHEAD_PLATFORMS ${_d})
endforeach()
list(SORT BULKHEAD_PLATFORMS)

file(GLOB _app_files RELATIVE ${BULKHEAD_ROOT}/apps ${BULKHEAD_ROOT}/apps/*/CMakeLists.txt)
set(BULKHEAD_APPS "")
foreach(f IN LISTS _app_files)
  get_filename_component(_d ${f} DIRECTORY)
  list(APPEND BULKHEAD_APPS ${_d})
endforeach()
list(SORT BULKHEAD_APPS)

if(NOT PLATFORM IN_LIST BULKHEAD_PLATFORMS)
  string(REPLACE ";" ", " _valid "${BULKHEAD_PLATFORMS}")
  message(FATAL_ERROR "Unknown PLATFORM '${PLATFORM}'. Valid platforms: ${_valid}")
endif()
if(NOT CAMKES_VM_APP IN_LIST BULKHEAD_APPS)
  string(REPLACE ";" ", " _valid "${BULKHEAD_APPS}")
  message(FATAL_ERROR "Unknown CAMKES_VM_APP '${CAMKES_VM_APP}'. Valid applications: ${_valid}")
endif()

# A board folder's platform.cmake, read into BULKHEAD_PLATFORM_* of the caller's scope,
# plus what follows from it: BULKHEAD_PLATFORM_QEMU_SMP_ARGS, -smp N for machines whose
# core count is an option (platform.cmake's QEMU_SMP, as virt's) with N the board record's
# cpu_count (board.cpp, the one place the count is written); none for a machine whose
# core count is fixed.
macro(bulkhead_read_platform dir)
  include(${dir}/platform.cmake)
  set(BULKHEAD_PLATFORM_QEMU_SMP_ARGS "")
  if(BULKHEAD_PLATFORM_QEMU_SMP)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${dir}/board.cpp)
    file(STRINGS ${dir}/board.cpp _cpu_count_line REGEX "\\.cpu_count = [0-9]+")
    string(REGEX MATCH "\\.cpu_count = ([0-9]+)" _cpu_count_match "${_cpu_count_line}")
    if(NOT CMAKE_MATCH_1)
      message(FATAL_ERROR "${dir}/board.cpp: no '.cpu_count = <n>' for QEMU's -smp "
                          "(platform.cmake sets BULKHEAD_PLATFORM_QEMU_SMP)")
    endif()
    set(BULKHEAD_PLATFORM_QEMU_SMP_ARGS -smp ${CMAKE_MATCH_1})
  endif()
endmacro()

set(BULKHEAD_PLATFORM_DIR ${BULKHEAD_ROOT}/platforms/${PLATFORM})
bulkhead_read_platform(${BULKHEAD_PLATFORM_DIR})
# `make run GIC_VERSION=3`: boot the app's GICv3 twin image on the board's GICv3 machine.
set(GIC_VERSION "" CACHE STRING "make run: the GIC version to boot PLATFORM with (empty: the board's own)")
if(GIC_VERSION STREQUAL "3" AND NOT BULKHEAD_PLATFORM_QEMU_MACHINE_GICV3)
  message(FATAL_ERROR "GIC_VERSION=3: ${PLATFORM} offers no GICv3 (platform.cmake: QEMU_MACHINE_GICV3)")
elseif(NOT GIC_VERSION STREQUAL "" AND NOT GIC_VERSION MATCHES "^[23]$")
  message(FATAL_ERROR "GIC_VERSION=${GIC_VERSION}: 2 or 3")
endif()
message(STATUS "Bulkhead: PLATFORM=${PLATFORM} CAMKES_VM_APP=${CAMKES_VM_APP} RELEASE=${RELEASE}")
