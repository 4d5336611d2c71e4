# Writes ${CMAKE_BINARY_DIR}/run.sh, the command `make run` executes after building the
# target ${CAMKES_VM_APP}_run (what the app needs, nothing else): QEMU with the console on
# the terminal (Ctrl-A X leaves QEMU). bulkhead_app() (BulkheadApp.cmake) sets what to
# boot through the global property BULKHEAD_APP_<app>_QEMU_ARGS, e.g. -kernel <app>.elf.
if(NOT TARGET ${CAMKES_VM_APP}_run)
  add_custom_target(${CAMKES_VM_APP}_run)  # an app without bulkhead_app(): nothing to build
endif()
get_property(_run_args GLOBAL PROPERTY BULKHEAD_APP_${CAMKES_VM_APP}_QEMU_ARGS)
if(NOT _run_args)
  set(_run_script "#!/bin/sh\necho 'make run: ${CAMKES_VM_APP} has nothing to boot on ${PLATFORM} yet' >&2\nexit 1\n")
else()
  set(_machine ${BULKHEAD_PLATFORM_QEMU_MACHINE})
  if(GIC_VERSION STREQUAL "3")
    set(_machine ${BULKHEAD_PLATFORM_QEMU_MACHINE_GICV3})
  endif()
  # On a machine whose core count is an option, QEMU gets the cores the image's threads run
  # on (`bulkhead_image qemu-smp`, asked when the script runs: the image is built after
  # this), not the board's: cores the kernel leaves off still cost host time under TCG
  # (cmake/SystemTest.cmake). A -smp given to the script comes later and counts.
  set(_smp ${BULKHEAD_PLATFORM_QEMU_SMP_ARGS})
  set(_smp_line "")
  list(FIND _run_args -kernel _kernel_at)
  if(BULKHEAD_PLATFORM_QEMU_SMP AND _kernel_at GREATER_EQUAL 0)
    math(EXPR _kernel_at "${_kernel_at} + 1")
    list(GET _run_args ${_kernel_at} _run_image)
    set(_smp "")
    set(_smp_line "smp=$('$<TARGET_FILE:bulkhead_image>' qemu-smp '${_run_image}') || exit 1\n")
    add_dependencies(${CAMKES_VM_APP}_run bulkhead_image)
  endif()
  set(_cmd ${BULKHEAD_QEMU} -machine ${_machine} -cpu ${BULKHEAD_PLATFORM_QEMU_CPU}
      -m ${BULKHEAD_PLATFORM_QEMU_MEMORY_MB} ${_smp} ${BULKHEAD_PLATFORM_QEMU_EXTRA_ARGS} -nographic ${_run_args})
  set(_quoted "")
  foreach(a IN LISTS _cmd)
    string(REPLACE "'" "'\\''" a "${a}")
    string(APPEND _quoted " '${a}'")
  endforeach()
  if(_smp_line)
    string(APPEND _quoted " -smp \"$smp\"")
  endif()
  set(_run_script "#!/bin/sh\n# Boots ${CAMKES_VM_APP} on ${PLATFORM}. Leave QEMU with Ctrl-A X.\necho 'Booting ${CAMKES_VM_APP} on ${PLATFORM} (Ctrl-A X quits QEMU)' >&2\n${_smp_line}exec${_quoted} \"$@\"\n")
endif()
file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/run.sh CONTENT "${_run_script}" FILE_PERMISSIONS
     OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

# `make run` itself is tested: the same script, driven by the harness, must bring
# the application's guest to its shell and answer a command; an app without a guest
# names the line it ends with instead (global property BULKHEAD_RUN_EXPECT; set but
# empty: it shows nothing to wait for, e.g. a release build, and there is no test).
get_property(_run_expect_set GLOBAL PROPERTY BULKHEAD_RUN_EXPECT SET)
get_property(_run_expect GLOBAL PROPERTY BULKHEAD_RUN_EXPECT)
if(_run_expect)
  set(_run_steps --expect ${_run_expect})
else()
  set(_run_steps --expect "BULKHEAD-GUEST-READY" --expect "# "
                 --send "echo run-ok-$((40+2))" --expect "run-ok-42")
endif()
if(_run_args AND (_run_expect OR NOT _run_expect_set))
  add_test(NAME make_run_boots_${CAMKES_VM_APP}
           COMMAND python3 ${BULKHEAD_ROOT}/tests/harness/qemu_expect.py --timeout 60
                   --log ${CMAKE_BINARY_DIR}/test-logs/make_run_boots_${CAMKES_VM_APP}.log
                   --fail "Kernel panic" --fail "BULKHEAD PANIC" ${_run_steps}
                   -- ${CMAKE_BINARY_DIR}/run.sh)
  set_tests_properties(make_run_boots_${CAMKES_VM_APP} PROPERTIES TIMEOUT 90 LABELS system)
endif()
