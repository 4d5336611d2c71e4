# bulkhead_app(NAME <app> [ASSEMBLY <file>] [OVERLAYS <dir>...] [VARIANTS <file>...]
#              [FILES <name>=<path>...] [DEFINES <name>=<value>...] [DEPENDS <target>...]
#              [NO_GUEST] [RUN_EXPECT <line>])
# An application in apps/<app>: everything its CMakeLists.txt needs besides its tests.
#
#   guest_<app>       the guest images (linux, linux-initrd) with the OVERLAYS
#                     (default: the app's overlay/ folder, when there is one)
#   <app>_system      the tool's report, picture and its component types' glue for PLATFORM in
#                     <build>/apps/<app>/system/ (ASSEMBLY, default <app>.camkes; a second app
#                     of the same folder: system_<app>/), with DEFINES for cpp
#                     (upstream's AddCamkesCPPFlag: settings an assembly reads)
#                     and the app's build settings, apps/<app>/settings.cmake when there is
#                     one (upstream's CMake options: VmVirtioConsole, VmVirtioNetVirtqueue,
#                     ... start those VMM modules in VMs that name no vmm_modules; docs/VM.md)
#   <app>_image       the bootable system image <app>.elf (`bulkhead --image`) and the same
#                     as an arm64 boot Image, <app>.img, for U-Boot's booti
#   <v>_image         one more image per VARIANTS assembly (variants/<v>.camkes: the app's
#                     assembly plus an attribute, for tests); not part of <app>_run
#   <app>_gicv3_image, <v>_gicv3_image  the same for PLATFORM run with a GICv3, where it
#                     offers one (bulkhead_assembly_image); `make run GIC_VERSION=3` boots it
#   <app>_on_<b>_image  the image (.elf and .img) for each other board <b> the app has settings for
#                     (apps/<app>/<b>/devices.camkes): every board's image builds and is
#                     checked in one build; global property BULKHEAD_APP_<app>_BOARDS
#   <app>_run         what `make run CAMKES_VM_APP=<app>` builds: the tool, the target
#                     build, the guest, the system description and <app>_image, nothing else
#
# The image holds the kernel and the component ELFs of the nested target build (components/
# and the app's own, built by bulkhead_component() in its CMakeLists.txt) and the
# files linux, linux-dtb and linux-initrd (the app's guest, the board DTB) plus FILES
# (built by the DEPENDS targets, e.g. a second guest: bulkhead_guest()).
# In the caller's scope: <app>_IMAGE and <v>_IMAGE, BULKHEAD_GUEST_<app>_DIR; cached:
# BULKHEAD_APP_<app>_IMAGE, BULKHEAD_APP_<app>_SYSTEM_DIR. The app is bootable by
# `make run` (BulkheadRun.cmake) when it has an image and the board runs in QEMU.
# The system description and the images need the board's settings,
# apps/<app>/<PLATFORM>/devices.camkes; without them the app has only its guest.
#
# NO_GUEST: an app of native components only: no guest images, no linux files in the
# image, and no <PLATFORM>/devices.camkes needed; `make run`'s test then waits for
# RUN_EXPECT, the line the app ends with (a debug build's: release builds print nothing).
#
# Nothing in the target build depends on an app: a broken app fails its own targets only.

# bulkhead_app_system_tests(<app> <var>): <var> is TRUE when this build can boot <app>'s
# system tests: PLATFORM runs in QEMU (its platform.cmake) and the app has settings for it
# (apps/<app>/<PLATFORM>/devices.camkes), so PLATFORM's <app>.elf exists. Apps and benchmarks
# ask this instead of naming a board: a new board is its folder plus the apps' settings.
function(bulkhead_app_system_tests app var)
  if(BULKHEAD_BOARD_${PLATFORM}_QEMU AND EXISTS ${BULKHEAD_ROOT}/apps/${app}/${PLATFORM}/devices.camkes)
    set(${var} TRUE PARENT_SCOPE)
  else()
    set(${var} FALSE PARENT_SCOPE)
  endif()
endfunction()
function(bulkhead_app)
  if(BULKHEAD_TARGET)
    return()
  endif()
  cmake_parse_arguments(A "NO_GUEST" "NAME;ASSEMBLY;RUN_EXPECT" "OVERLAYS;VARIANTS;FILES;DEFINES;DEPENDS"
                        ${ARGN})
  set(app ${A_NAME})
  set(dir ${CMAKE_CURRENT_SOURCE_DIR})
  if(NOT A_ASSEMBLY)
    set(A_ASSEMBLY ${dir}/${app}.camkes)
  endif()
  if(NOT DEFINED A_OVERLAYS AND IS_DIRECTORY ${dir}/overlay)
    set(A_OVERLAYS ${dir}/overlay)
  endif()

  add_custom_target(${app}_run)
  set_property(GLOBAL APPEND PROPERTY BULKHEAD_APP_NAMES ${app})
  if(NOT A_NO_GUEST)
    bulkhead_guest(NAME ${app} OVERLAYS ${A_OVERLAYS})
    set(guest ${BULKHEAD_GUEST_${app}_DIR})
    set(BULKHEAD_GUEST_${app}_DIR ${guest} PARENT_SCOPE)
    add_dependencies(${app}_run guest_${app})
    if(NOT EXISTS ${dir}/${PLATFORM}/devices.camkes)
      return()
    endif()
  endif()
  file(GLOB_RECURSE adl_inputs CONFIGURE_DEPENDS ${BULKHEAD_ROOT}/interfaces/*
       ${BULKHEAD_ROOT}/components/*.camkes ${dir}/*.camkes ${dir}/*.idl4)
  set(defines "")
  foreach(d IN LISTS A_DEFINES)
    list(APPEND defines -D ${d})
  endforeach()
  set(tool bulkhead --root ${BULKHEAD_ROOT} --platform ${PLATFORM} --dtb ${BULKHEAD_PLATFORM_DTB}
      ${defines})
  set(tool_deps bulkhead platform_dtb ${BULKHEAD_PLATFORM_DTB} ${adl_inputs})
  set(settings "")
  if(EXISTS ${dir}/settings.cmake)
    set(settings ${dir}/settings.cmake)
  endif()

  # The system description: the tool checks the assembly against the board DTB and writes
  # the report, the picture and the glue of the component types it uses.
  get_filename_component(folder ${dir} NAME)
  if(folder STREQUAL app)
    set(system ${CMAKE_CURRENT_BINARY_DIR}/system)
  else()
    set(system ${CMAKE_CURRENT_BINARY_DIR}/system_${app})
  endif()
  if(settings)
    bulkhead_app_settings(${settings} ${PLATFORM} ${system}/settings.txt)
    list(APPEND tool --settings ${system}/settings.txt)
    list(APPEND tool_deps ${system}/settings.txt)
  endif()
  add_custom_command(
    OUTPUT ${system}/report.txt ${system}/assembly.dot ${system}/stamp
    COMMAND ${tool} --app ${A_ASSEMBLY} --report ${system}/report.txt
            --dot ${system}/assembly.dot --glue-dir ${system}/glue --stamp ${system}/stamp
    DEPENDS ${tool_deps}
    COMMENT "${app}: system description for ${PLATFORM} (bulkhead)"
    VERBATIM)
  add_custom_target(${app}_system ALL DEPENDS ${system}/stamp)
  set(BULKHEAD_APP_${app}_SYSTEM_DIR ${system} CACHE INTERNAL "${app}'s tool outputs")

  # The bootable system (bulkhead_assembly_image), with the guest's images when it has one.
  set(files "")
  set(guest_deps "")
  if(NOT A_NO_GUEST)
    set(files linux=${guest}/linux linux-dtb=${BULKHEAD_PLATFORM_DTB}
        linux-initrd=${guest}/linux-initrd)
    set(guest_deps guest_${app})
  endif()
  list(APPEND guest_deps ${A_DEPENDS})
  foreach(assembly IN ITEMS ${A_ASSEMBLY} ${A_VARIANTS})
    if(assembly STREQUAL A_ASSEMBLY)
      set(name ${app})
      set(boot_image BOOT_IMAGE)
    else()
      get_filename_component(name ${assembly} NAME_WE)
      set(boot_image "")
    endif()
    # variants include the app's assembly: its folders stay on the include path; the app's
    # own components (bulkhead_component in its CMakeLists.txt) are in its target folder
    bulkhead_assembly_image(NAME ${name} ASSEMBLY ${assembly} INCLUDES ${dir}/${PLATFORM} ${dir}
      COMPONENT_DIRS ${BULKHEAD_TARGET_BINARY_DIR}/apps/${folder} FILES ${files} ${A_FILES}
      DEFINES ${A_DEFINES} SETTINGS ${settings}
      ${boot_image}
      DEPENDS ${guest_deps} ${adl_inputs})
    set(${name}_IMAGE ${${name}_IMAGE} PARENT_SCOPE)
    set(${name}_BOOT_IMAGE ${${name}_BOOT_IMAGE} PARENT_SCOPE)
    set(${name}_gicv3_IMAGE ${${name}_gicv3_IMAGE} PARENT_SCOPE)
  endforeach()
  # The same app for every other board it has settings for, with that board's DTB.
  if(NOT A_NO_GUEST)
    foreach(b IN LISTS BULKHEAD_PLATFORMS)
      if(b STREQUAL PLATFORM OR NOT EXISTS ${dir}/${b}/devices.camkes)
        continue()
      endif()
      bulkhead_assembly_image(NAME ${app}_on_${b} BOARD ${b} ASSEMBLY ${A_ASSEMBLY} BOOT_IMAGE
        INCLUDES ${dir}/${b} ${dir} COMPONENT_DIRS ${BULKHEAD_TARGET_BINARY_DIR}/apps/${app}
        SETTINGS ${settings}
        FILES linux=${guest}/linux linux-dtb=${BULKHEAD_BOARD_${b}_DTB}
              linux-initrd=${guest}/linux-initrd ${A_FILES}
        DEPENDS ${guest_deps} ${adl_inputs})
      set(${app}_on_${b}_IMAGE ${${app}_on_${b}_IMAGE} PARENT_SCOPE)
      set_property(GLOBAL APPEND PROPERTY BULKHEAD_APP_${app}_BOARDS ${b})
    endforeach()
  endif()
  set(BULKHEAD_APP_${app}_IMAGE ${CMAKE_CURRENT_BINARY_DIR}/${app}.elf CACHE INTERNAL "${app}'s image.elf")
  add_dependencies(${app}_run ${app}_system ${app}_image ${A_DEPENDS})
  if(BULKHEAD_PLATFORM_RUNS_IN_QEMU AND GIC_VERSION STREQUAL "3")
    add_dependencies(${app}_run ${app}_gicv3_image)
    set_property(GLOBAL PROPERTY BULKHEAD_APP_${app}_QEMU_ARGS -kernel ${${app}_gicv3_IMAGE})
  elseif(BULKHEAD_PLATFORM_RUNS_IN_QEMU)
    set_property(GLOBAL PROPERTY BULKHEAD_APP_${app}_QEMU_ARGS -kernel ${CMAKE_CURRENT_BINARY_DIR}/${app}.elf)
  endif()
  if(A_NO_GUEST AND CAMKES_VM_APP STREQUAL app)
    if(RELEASE)
      set_property(GLOBAL PROPERTY BULKHEAD_RUN_EXPECT "")
    else()
      set_property(GLOBAL PROPERTY BULKHEAD_RUN_EXPECT "${A_RUN_EXPECT}")
    endif()
  endif()
endfunction()
