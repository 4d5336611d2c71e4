# bulkhead_assembly_image(NAME <n> ASSEMBLY <file> [BOARD <board>] [INCLUDES <dir>...]
#                         [DEFINES <n>=<v>...] [SETTINGS <settings.cmake>] [BOOT_IMAGE]
#                         [COMPONENT_DIRS <dir>...] [FILES <name>=<path>...] [DEPENDS <dep>...])
# The bootable image <n>.elf (target <n>_image, variable <n>_IMAGE in the caller's scope)
# that `bulkhead --image` lowers from an assembly once the nested target build has made
# the kernel and the component ELFs: <target>/components plus COMPONENT_DIRS (where
# bulkhead_component() built an app's or a test's own components), the FILES in the
# FileServer's archive, INCLUDES on the cpp path, DEFINES for cpp, for BOARD (default
# PLATFORM). ninja cannot see into the nested build: the target binaries are covered by
# BULKHEAD_TARGET_STAMP. Apps get theirs through bulkhead_app(); tests that are systems of
# their own call this directly. SETTINGS: the app's build settings (upstream's CMake
# options, e.g. VmVirtioConsole; bulkhead_app_settings), evaluated for BOARD.
# BOOT_IMAGE: also <n>.img, the same system as an arm64 boot Image for U-Boot's booti
# (`bulkhead_image booti`, placed from the board DTB's first RAM bank; docs/BOARDS.md),
# variable <n>_BOOT_IMAGE.
#
# For a board that also runs with a GICv3 (BULKHEAD_BOARD_<b>_GICV3_DTB) the same system
# is built for that configuration too: <n>_gicv3.elf (target <n>_gicv3_image, variable
# <n>_gicv3_IMAGE) from the board's GICv3 DTB (also in place of its DTB among FILES), the
# twin bulkhead_system_test boots for <n>_gicv3 tests (bulkhead_gicv3_twin).
# bulkhead_app_settings(<settings.cmake> <board> <out.txt>): the rule that evaluates an
# app's build settings for <board> into <out.txt> (cmake/AppSettings.cmake: a process of its
# own), which the tool reads with --settings.
function(bulkhead_app_settings settings board out)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DSETTINGS=${settings} -DPLATFORM=${board} -DOUT=${out}
            -P ${BULKHEAD_ROOT}/cmake/AppSettings.cmake
    DEPENDS ${settings} ${BULKHEAD_ROOT}/cmake/AppSettings.cmake
    COMMENT "build settings ${settings} for ${board}"
    VERBATIM)
endfunction()

function(bulkhead_assembly_image)
  cmake_parse_arguments(I "BOOT_IMAGE" "NAME;ASSEMBLY;BOARD;SETTINGS" "INCLUDES;DEFINES;COMPONENT_DIRS;FILES;DEPENDS"
                        ${ARGN})
  if(NOT I_BOARD)
    set(I_BOARD ${PLATFORM})
  endif()
  set(dtb ${BULKHEAD_BOARD_${I_BOARD}_DTB})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${I_NAME}.elf)
  set(args "")
  foreach(d IN LISTS I_INCLUDES)
    list(APPEND args -I ${d})
  endforeach()
  foreach(d IN LISTS I_DEFINES)
    list(APPEND args -D ${d})
  endforeach()
  foreach(d IN LISTS I_COMPONENT_DIRS)
    list(APPEND args --component-dir ${d})
  endforeach()
  set(file_deps "")
  foreach(f IN LISTS I_FILES)
    list(APPEND args --file ${f})
    string(REGEX REPLACE "^[^=]*=" "" path "${f}")
    list(APPEND file_deps ${path})
  endforeach()
  if(I_SETTINGS)
    set(settings_txt ${CMAKE_CURRENT_BINARY_DIR}/${I_NAME}_settings.txt)
    bulkhead_app_settings(${I_SETTINGS} ${I_BOARD} ${settings_txt})
    list(APPEND args --settings ${settings_txt})
    list(APPEND file_deps ${settings_txt})
  endif()
  file(GLOB_RECURSE adl_inputs CONFIGURE_DEPENDS ${BULKHEAD_ROOT}/interfaces/*
       ${BULKHEAD_ROOT}/components/*.camkes)
  # The board's own GIC, then (where it offers one) the GICv3 twin: name suffix, tool
  # option, DTB and what the comment says.
  set(configs "|||from the assembly")
  set(dtb3 ${BULKHEAD_BOARD_${I_BOARD}_GICV3_DTB})
  if(dtb3)
    list(APPEND configs "_gicv3|--gic-version 3|${dtb3}|with GICv3")
  endif()
  foreach(config IN LISTS configs)
    string(REPLACE "|" ";" config "${config}")
    list(GET config 0 suffix)
    list(GET config 1 gic_option)
    list(GET config 2 config_dtb)
    list(GET config 3 what)
    separate_arguments(gic_option)
    set(config_args "${args}")
    if(config_dtb)
      string(REPLACE "=${dtb}" "=${config_dtb}" config_args "${args}")
    else()
      set(config_dtb ${dtb})
    endif()
    set(config_out ${CMAKE_CURRENT_BINARY_DIR}/${I_NAME}${suffix}.elf)
    add_custom_command(OUTPUT ${config_out}
      COMMAND bulkhead --root ${BULKHEAD_ROOT} --platform ${I_BOARD} ${gic_option} --dtb ${config_dtb}
              --app ${I_ASSEMBLY} --image ${config_out}
              --kernel ${BULKHEAD_TARGET_BINARY_DIR}/kernel/bulkhead_kernel.elf
              --component-dir ${BULKHEAD_TARGET_BINARY_DIR}/components ${config_args}
      DEPENDS bulkhead ${BULKHEAD_BOARD_${I_BOARD}_DTB_TARGET} ${config_dtb} bulkhead_target
              ${BULKHEAD_TARGET_STAMP} ${I_ASSEMBLY} ${adl_inputs} ${file_deps} ${I_DEPENDS}
      COMMENT "${I_NAME}: system image for ${I_BOARD} ${what} (bulkhead --image)"
      VERBATIM)
    set(outputs ${config_out})
    if(I_BOOT_IMAGE AND NOT suffix)
      set(img ${CMAKE_CURRENT_BINARY_DIR}/${I_NAME}.img)
      add_custom_command(OUTPUT ${img}
        COMMAND bulkhead_image booti ${config_out} ${img} ${config_dtb}
        DEPENDS bulkhead_image ${config_out} ${config_dtb}
        COMMENT "${I_NAME}: arm64 boot Image for U-Boot (bulkhead_image booti)"
        VERBATIM)
      list(APPEND outputs ${img})
      set(${I_NAME}_BOOT_IMAGE ${img} PARENT_SCOPE)
    endif()
    add_custom_target(${I_NAME}${suffix}_image ALL DEPENDS ${outputs})
    set(${I_NAME}${suffix}_IMAGE ${config_out} PARENT_SCOPE)
  endforeach()
  if(dtb3)
    set_property(GLOBAL PROPERTY "BULKHEAD_GICV3_TWIN:${out}" ${CMAKE_CURRENT_BINARY_DIR}/${I_NAME}_gicv3.elf)
  endif()
endfunction()
