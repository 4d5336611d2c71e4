# Bare-metal arm64 guest Images built by the project (target build): a guest kernel the real
# VM component boots in place of Linux, for benchmarks and hostile-guest tests.
#
#   bulkhead_bare_metal_guest(NAME <name> SOURCES <file>...)
#       <name>.elf linked where the reference board's VM places an Image (its RAM base +
#       2 MiB), then <name>.img (objcopy -O binary) beside it. Sources start with
#       arch/arm64_image_header.inc's ARM64_IMAGE_HEADER and may use libs/arch and
#       arch_asm.h.
include_guard(GLOBAL)

function(bulkhead_bare_metal_guest)
  cmake_parse_arguments(G "" "NAME" "SOURCES" ${ARGN})
  add_executable(${G_NAME}.elf ${G_SOURCES})
  target_link_libraries(${G_NAME}.elf PRIVATE bulkhead_arch bulkhead_arch_asm)
  target_link_options(${G_NAME}.elf PRIVATE -nostdlib -Wl,-Ttext=0x40200000 -Wl,-e,_start
    -Wl,-z,max-page-size=4096 -Wl,--build-id=none)
  add_custom_command(TARGET ${G_NAME}.elf POST_BUILD
    COMMAND ${CMAKE_OBJCOPY} -O binary $<TARGET_FILE:${G_NAME}.elf>
            ${CMAKE_CURRENT_BINARY_DIR}/${G_NAME}.img
    VERBATIM)
endfunction()
