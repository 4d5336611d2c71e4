# bulkhead_guest_program(NAME <name> OVERLAY <folder> SOURCES <file>... [INCLUDES <dir>...])
# A static Linux program for the guest, without a C library (none for arm64 is installed):
# guest/crossvm's raw-syscall layer (linux_syscall.hpp) and entry (program.cpp), built in the
# target build by the freestanding cross compiler and copied to <folder>/usr/bin/<name>, an
# overlay an app gives its guest (bulkhead_app(OVERLAYS)). The .elf name puts it in the
# target build's outputs stamp (TargetOutputsStamp.cmake), so the guest image waits for it.
include_guard(GLOBAL)
function(bulkhead_guest_program)
  cmake_parse_arguments(P "" "NAME;OVERLAY" "SOURCES;INCLUDES" ${ARGN})
  add_executable(${P_NAME}.elf ${P_SOURCES} ${BULKHEAD_ROOT}/guest/crossvm/program.cpp)
  target_include_directories(${P_NAME}.elf PRIVATE ${P_INCLUDES})
  # Linux user space: its default link map, entry _start, no stack protector (no libc).
  target_compile_options(${P_NAME}.elf PRIVATE -Wall -Wextra -fno-stack-protector)
  target_link_options(${P_NAME}.elf PRIVATE -Wl,-e,_start -Wl,-z,max-page-size=4096)
  add_custom_command(TARGET ${P_NAME}.elf POST_BUILD
    COMMAND ${CMAKE_COMMAND} -E make_directory ${P_OVERLAY}/usr/bin
    COMMAND ${CMAKE_COMMAND} -E copy $<TARGET_FILE:${P_NAME}.elf> ${P_OVERLAY}/usr/bin/${P_NAME})
endfunction()
