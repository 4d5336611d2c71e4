# Static Linux programs for the guest, without a C library (none for arm64 is installed):
# guest/crossvm's raw-syscall layer (linux_syscall.hpp) and entry (program.cpp), built in the
# target build by the freestanding cross compiler into an overlay folder an app gives its
# guest (bulkhead_app(OVERLAYS)). Included by each guest/<folder>/CMakeLists.txt in both
# builds.
#
#   bulkhead_guest_program(NAME <name> OVERLAY <overlay> SOURCES <file>... [INCLUDES <dir>...])
#       (target build; nothing in the host build) <name> into <overlay>'s usr/bin/
#   bulkhead_guest_overlay(<var> <overlay>)
#       <var> = that overlay's folder, for bulkhead_app(OVERLAYS); the guest image then
#       waits for the target build (bulkhead_guest sees the folder is one of its outputs)
include_guard(GLOBAL)

function(bulkhead_guest_overlay var overlay)
  set(${var} ${BULKHEAD_TARGET_BINARY_DIR}/guest/${overlay}/overlay PARENT_SCOPE)
endfunction()

function(bulkhead_guest_program)
  if(NOT BULKHEAD_TARGET)
    return()
  endif()
  cmake_parse_arguments(P "" "NAME;OVERLAY" "SOURCES;INCLUDES" ${ARGN})
  # The .elf name puts it in the target build's outputs stamp (TargetOutputsStamp.cmake).
  add_executable(${P_NAME}.elf ${P_SOURCES} ${BULKHEAD_ROOT}/guest/crossvm/program.cpp)
  target_include_directories(${P_NAME}.elf PRIVATE ${P_INCLUDES})
  # Linux user space: its default link map, entry _start, no stack protector (no libc).
  target_compile_options(${P_NAME}.elf PRIVATE -Wall -Wextra -fno-stack-protector)
  target_link_options(${P_NAME}.elf PRIVATE -Wl,-e,_start -Wl,-z,max-page-size=4096)
  set(bin ${CMAKE_BINARY_DIR}/guest/${P_OVERLAY}/overlay/usr/bin)
  add_custom_command(TARGET ${P_NAME}.elf POST_BUILD
    COMMAND ${CMAKE_COMMAND} -E make_directory ${bin}
    COMMAND ${CMAKE_COMMAND} -E copy $<TARGET_FILE:${P_NAME}.elf> ${bin}/${P_NAME})
endfunction()
