# System tests: boot something in QEMU and follow its console with
# tests/harness/qemu_expect.py.
#
# bulkhead_system_test(NAME <name>
#     (IMAGE <elf> | KERNEL <Image> [INITRD <file>] [APPEND <cmdline>] | BIOS <firmware>)
#     [STEPS "expect:<regex>" "send:<line>" "wait:<seconds>" "md5:<mark>" ...]
#     [FAIL <regex>...] [TIMEOUT <seconds>] [EXPECT_EXIT <status>]
#     [QEMU_ARGS <extra args>...] [CPU <cpu>] [BOARD <board>] [DEPENDS <targets>...]
#     [LABELS <labels>...])
#
# BOARD: boot on that board's QEMU machine (BulkheadBoards.cmake) instead of PLATFORM's.
# BIOS: start the machine in that firmware (U-Boot), which loads the system itself (from a
# disk given in QEMU_ARGS).
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
set(BULKHEAD_TEST_FAIL_PATTERNS "Kernel panic" "BULKHEAD PANIC")

function(bulkhead_system_test)
  cmake_parse_arguments(T "" "NAME;IMAGE;KERNEL;INITRD;APPEND;BIOS;TIMEOUT;EXPECT_EXIT;CPU;BOARD"
                          "STEPS;FAIL;QEMU_ARGS;DEPENDS;LABELS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 60)
  endif()
  if(NOT T_CPU)
    set(T_CPU ${BULKHEAD_PLATFORM_QEMU_CPU})
  endif()
  if(T_BOARD)
    set(qemu ${BULKHEAD_BOARD_${T_BOARD}_QEMU} -display none -monitor none -serial stdio)
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
  foreach(step IN LISTS T_STEPS)
    if(step MATCHES "^(expect|send|wait|md5):(.*)$")
      list(APPEND args --${CMAKE_MATCH_1} ${CMAKE_MATCH_2})
    else()
      message(FATAL_ERROR "bulkhead_system_test(${T_NAME}): step '${step}' is not expect:/send:/wait:/md5:")
    endif()
  endforeach()
  foreach(f IN LISTS BULKHEAD_TEST_FAIL_PATTERNS T_FAIL)
    list(APPEND args --fail ${f})
  endforeach()
  if(DEFINED T_EXPECT_EXIT)
    list(APPEND args --expect-exit ${T_EXPECT_EXIT})
  endif()
  add_test(NAME ${T_NAME}
           COMMAND python3 ${BULKHEAD_ROOT}/tests/harness/qemu_expect.py ${args} -- ${qemu})
  # Give ctest a little more than the harness so the harness reports the timeout.
  math(EXPR ctest_timeout "${T_TIMEOUT} + 30")
  set_tests_properties(${T_NAME} PROPERTIES TIMEOUT ${ctest_timeout} LABELS "system;${T_LABELS}")
endfunction()
