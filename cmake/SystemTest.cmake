# System tests: boot something in QEMU and follow its console with
# tests/harness/qemu_expect.py.
#
# bulkhead_system_test(NAME <name>
#     (IMAGE <elf> | KERNEL <Image> [INITRD <file>] [APPEND <cmdline>] | BIOS <firmware>)
#     [STEPS "expect:<regex>" "send:<line>" "wait:<seconds>" "md5:<mark>" "most:<n>:<regex>" ...]
#     [FAIL <regex>...] [TIMEOUT <seconds>] [EXPECT_EXIT <status>]
#     [QEMU_ARGS <extra args>...] [CPU <cpu>] [BOARD <board>] [DEPENDS <targets>...]
#     [LABELS <labels>...] [GICV3 | NO_GICV3] [BOARD_CORES])
#
# Cores: on a machine whose core count is an option (virt), an IMAGE boots with as many
# cores as its threads run on (the harness's --smp-of: `bulkhead_image qemu-smp`), not the
# board's: under TCG every core the kernel leaves off still costs the busy ones host time
# (each broadcast TLB invalidation wakes its thread), about a third of a Linux boot's.
# BOARD_CORES: every core of the board, as on hardware (the kernel leaves the idle ones off).
#
# BOARD: boot on that board's QEMU machine (BulkheadBoards.cmake) instead of PLATFORM's.
# BIOS: start the machine in that firmware (U-Boot), which loads the system itself (from a
# disk given in QEMU_ARGS).
#
# GICv3 twins: an IMAGE made by bulkhead_assembly_image or bulkhead_kernel_system_image
# for a board that also runs with a GICv3 has a twin built for that configuration. The
# test then gets a twin, <name>_gicv3, booting the twin image on the board's GICv3 machine
# with the same steps, for every test with a twin image when BULKHEAD_SYSTEM_TESTS_GICV3
# is ALL (the default: the whole suite on both GICs, as issue #13 asks), or only when the
# test says GICV3 if it is LISTED (a quicker run while working); OFF: no twins. NO_GICV3: never (a test of GICv2 itself, e.g. a test guest
# that drives the GICV frame).
#
# The console log is kept at ${CMAKE_BINARY_DIR}/test-logs/<name>.log.
# A step's text cannot contain ';' (it separates CMake list items).
set(BULKHEAD_QEMU qemu-system-aarch64)
set(BULKHEAD_QEMU_BASE ${BULKHEAD_QEMU}
    -machine ${BULKHEAD_PLATFORM_QEMU_MACHINE}
    -m ${BULKHEAD_PLATFORM_QEMU_MEMORY_MB}
    ${BULKHEAD_PLATFORM_QEMU_SMP_ARGS}
    ${BULKHEAD_PLATFORM_QEMU_EXTRA_ARGS}
    -display none -monitor none -serial stdio)
# The same command for scripts outside ctest (tests/tool/upstream_dropin.py), one argument
# per line, so they boot what the suite boots without writing the board's facts again.
list(JOIN BULKHEAD_QEMU_BASE "\n" _qemu_lines)
file(WRITE ${CMAKE_BINARY_DIR}/platform/${PLATFORM}/qemu-test-command.txt
     "${_qemu_lines}\n-cpu\n${BULKHEAD_PLATFORM_QEMU_CPU}\n")
set(BULKHEAD_TEST_FAIL_PATTERNS "Kernel panic" "BULKHEAD PANIC")
set(BULKHEAD_SYSTEM_TESTS_GICV3 ALL CACHE STRING
    "System tests' _gicv3 twins: OFF, LISTED (tests marked GICV3) or ALL (every test with a twin image)")
set_property(CACHE BULKHEAD_SYSTEM_TESTS_GICV3 PROPERTY STRINGS OFF LISTED ALL)

# The GICv3 twin of image <image> (empty: none), for tests and `make run GIC_VERSION=3`.
function(bulkhead_gicv3_twin image out_var)
  get_property(twin GLOBAL PROPERTY "BULKHEAD_GICV3_TWIN:${image}")
  set(${out_var} "${twin}" PARENT_SCOPE)
endfunction()

function(bulkhead_system_test)
  cmake_parse_arguments(T "GICV3;NO_GICV3;BOARD_CORES" "NAME;IMAGE;KERNEL;INITRD;APPEND;BIOS;TIMEOUT;EXPECT_EXIT;CPU;BOARD"
                          "STEPS;FAIL;QEMU_ARGS;DEPENDS;LABELS" ${ARGN})
  # An image made for one board (bulkhead_kernel_system_image: the reference board's) boots
  # on that board's machine, whatever PLATFORM is.
  set(cpu_given "${T_CPU}")
  if(NOT T_BOARD AND T_IMAGE)
    get_property(image_board GLOBAL PROPERTY "BULKHEAD_IMAGE_BOARD:${T_IMAGE}")
    if(image_board AND NOT image_board STREQUAL PLATFORM)
      set(T_BOARD ${image_board})
    endif()
  endif()
  # A build for a board QEMU cannot run (RUNS_IN_QEMU OFF) has no system
  # tests of its own: its images are built and checked, not booted.
  set(board ${PLATFORM})
  if(T_BOARD)
    set(board ${T_BOARD})
  endif()
  if(NOT BULKHEAD_BOARD_${board}_QEMU)
    return()
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 60)
  endif()
  if(NOT T_CPU)
    set(T_CPU ${BULKHEAD_PLATFORM_QEMU_CPU})
  endif()
  if(T_BOARD)
    set(qemu ${BULKHEAD_BOARD_${T_BOARD}_QEMU} -display none -monitor none -serial stdio)
    if(cpu_given)
      list(APPEND qemu -cpu ${cpu_given}) # the last -cpu counts
    endif()
  else()
    set(qemu ${BULKHEAD_QEMU_BASE} -cpu ${T_CPU})
  endif()
  if(T_IMAGE)
    list(APPEND qemu -kernel ${T_IMAGE})
  elseif(T_KERNEL)
    list(APPEND qemu -kernel ${T_KERNEL})
    if(T_INITRD)
      list(APPEND qemu -initrd ${T_INITRD})
    endif()
    if(T_APPEND)
      list(APPEND qemu -append ${T_APPEND})
    endif()
  elseif(T_BIOS)
    list(APPEND qemu -bios ${T_BIOS})
  else()
    message(FATAL_ERROR "bulkhead_system_test(${T_NAME}): give IMAGE, KERNEL or BIOS")
  endif()
  list(APPEND qemu ${T_QEMU_ARGS})

  set(args --timeout ${T_TIMEOUT} --log ${CMAKE_BINARY_DIR}/test-logs/${T_NAME}.log)
  set(smp_of "")
  if(T_IMAGE AND NOT T_BOARD_CORES AND BULKHEAD_BOARD_${board}_QEMU_SMP)
    set(smp_of --image-tool $<TARGET_FILE:bulkhead_image> --smp-of)
  endif()
  foreach(step IN LISTS T_STEPS)
    if(step MATCHES "^(expect|send|wait|md5|most):(.*)$")
      list(APPEND args --${CMAKE_MATCH_1} ${CMAKE_MATCH_2})
    else()
      message(FATAL_ERROR "bulkhead_system_test(${T_NAME}): step '${step}' is not expect:/send:/wait:/md5:/most:")
    endif()
  endforeach()
  foreach(f IN LISTS BULKHEAD_TEST_FAIL_PATTERNS T_FAIL)
    list(APPEND args --fail ${f})
  endforeach()
  if(DEFINED T_EXPECT_EXIT)
    list(APPEND args --expect-exit ${T_EXPECT_EXIT})
  endif()
  set(smp_args "")
  if(smp_of)
    set(smp_args ${smp_of} ${T_IMAGE})
  endif()
  add_test(NAME ${T_NAME}
           COMMAND python3 ${BULKHEAD_ROOT}/tests/harness/qemu_expect.py ${args} ${smp_args}
                   -- ${qemu})
  # Give ctest a little more than the harness so the harness reports the timeout.
  math(EXPR ctest_timeout "${T_TIMEOUT} + 30")
  set_tests_properties(${T_NAME} PROPERTIES TIMEOUT ${ctest_timeout} LABELS "system;${T_LABELS}")

  # The GICv3 twin: the same steps, the twin image, the board's GICv3 machine.
  if(NOT T_IMAGE OR T_NO_GICV3 OR BULKHEAD_SYSTEM_TESTS_GICV3 STREQUAL "OFF" OR
     (BULKHEAD_SYSTEM_TESTS_GICV3 STREQUAL "LISTED" AND NOT T_GICV3))
    return()
  endif()
  bulkhead_gicv3_twin(${T_IMAGE} twin)
  # GICV3 on a board without a GICv3 machine: nothing to twin. On one with it, a
  # GICV3 test whose image has no twin is a mistake.
  if(NOT twin OR NOT BULKHEAD_BOARD_${board}_GICV3_QEMU)
    if(T_GICV3 AND BULKHEAD_BOARD_${board}_GICV3_QEMU)
      message(FATAL_ERROR "bulkhead_system_test(${T_NAME}): GICV3, but ${T_IMAGE} has no GICv3 twin on ${board}")
    endif()
    return()
  endif()
  set(qemu3 ${BULKHEAD_BOARD_${board}_GICV3_QEMU} -display none -monitor none -serial stdio)
  if(T_CPU AND NOT T_BOARD)
    list(APPEND qemu3 -cpu ${T_CPU})
  endif()
  list(APPEND qemu3 -kernel ${twin} ${T_QEMU_ARGS})
  string(REPLACE "/${T_NAME}.log" "/${T_NAME}_gicv3.log" args3 "${args}")
  set(smp_args "")
  if(smp_of)
    set(smp_args ${smp_of} ${twin})
  endif()
  add_test(NAME ${T_NAME}_gicv3
           COMMAND python3 ${BULKHEAD_ROOT}/tests/harness/qemu_expect.py ${args3} ${smp_args}
                   -- ${qemu3})
  set_tests_properties(${T_NAME}_gicv3 PROPERTIES TIMEOUT ${ctest_timeout}
                       LABELS "system;gicv3;${T_LABELS}")
endfunction()

# bulkhead_console_pattern_step(<var> <mark> <lines> [RAW]): a "send:" step that makes the
# guest's shell write <lines> numbered lines of known text (64 bytes each) to its own tty
# as fast as it can, framed by "<mark>-BEGIN" and "<mark>-END <md5>", for an "md5:<mark>"
# step (the shell's echo of the command matches neither frame). The
# kernel's messages are turned off first: on a console tty they would land inside the
# pattern. RAW: with the tty's output processing off meanwhile (stty -opost), so that each
# write reaches the console whole (with it, a line and its CR LF are two writes).
function(bulkhead_console_pattern_step out mark lines)
  set(write "( echo ${mark}-BEGIN && cat /tmp/${mark} && echo \"${mark}-END $(md5sum < /tmp/${mark} | cut -d ' ' -f 1)\" ) > $(tty)")
  if("${ARGN}" STREQUAL "RAW")
    set(write "stty -opost && ${write} && stty opost")
  endif()
  # seq -w pads every number to the width of the last; the text fills the line to 64.
  string(LENGTH "${lines}" digits)
  math(EXPR length "63 - ${digits}")
  string(SUBSTRING " pattern abcdefghijklmnopqrstuvwxyz 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ" 0 ${length} text)
  set(${out} "send:dmesg -n 1 && seq -w 1 ${lines} | sed 's/$/${text}/' > /tmp/${mark} && ${write}" PARENT_SCOPE)
endfunction()
