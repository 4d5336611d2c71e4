# Writes ${CMAKE_BINARY_DIR}/run.sh, the command `make run` executes: QEMU with
# the console on the terminal (Ctrl-A X leaves QEMU). The app sets what to boot
# through BULKHEAD_RUN_QEMU_ARGS (global property), e.g. -kernel image.elf.
get_property(_run_args GLOBAL PROPERTY BULKHEAD_RUN_QEMU_ARGS)
if(NOT _run_args)
  set(_run_script "#!/bin/sh\necho 'make run: ${CAMKES_VM_APP} has nothing to boot on ${PLATFORM} yet' >&2\nexit 1\n")
else()
  set(_cmd ${BULKHEAD_QEMU} -machine ${BULKHEAD_PLATFORM_QEMU_MACHINE} -cpu ${BULKHEAD_PLATFORM_QEMU_CPU}
      -m ${BULKHEAD_PLATFORM_QEMU_MEMORY_MB} -nographic ${_run_args})
  set(_quoted "")
  foreach(a IN LISTS _cmd)
    string(REPLACE "'" "'\\''" a "${a}")
    string(APPEND _quoted " '${a}'")
  endforeach()
  set(_run_script "#!/bin/sh\n# Boots ${CAMKES_VM_APP} on ${PLATFORM}. Leave QEMU with Ctrl-A X.\necho 'Booting ${CAMKES_VM_APP} on ${PLATFORM} (Ctrl-A X quits QEMU)' >&2\nexec${_quoted} \"$@\"\n")
endif()
file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/run.sh CONTENT "${_run_script}" FILE_PERMISSIONS
     OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
