# The guest booted directly on the same QEMU machine (the images of tests/baseline), for
# the benchmarks that compare Bulkhead's guest against it (bench/boot, bench/workload):
# given as much memory as the VM's guest has ({guest_ram_mib}, filled in from the system
# report by bench/common/guest_console.py), and `nokaslr`: Bulkhead's guest gets no KASLR
# seed (docs/VM.md), so neither does this one; with KASLR, Linux also turns on KPTI,
# which makes every guest syscall a TLB flush under QEMU.
# The board DTB and console as BULKHEAD_DIRECT_LINUX_QEMU_ARGS says (BulkheadBoards.cmake).
list(JOIN BULKHEAD_PLATFORM_QEMU_EXTRA_ARGS " " _extra)
list(JOIN BULKHEAD_DIRECT_LINUX_QEMU_ARGS " " _direct)
string(APPEND _extra " ${_direct}")
set(BULKHEAD_BENCH_DIRECT_BOOT "${BULKHEAD_QEMU} -machine ${BULKHEAD_PLATFORM_QEMU_MACHINE} -cpu ${BULKHEAD_PLATFORM_QEMU_CPU} -m {guest_ram_mib} ${_extra} -display none -monitor none -serial stdio -kernel ${CMAKE_BINARY_DIR}/guest/baseline/linux -initrd ${CMAKE_BINARY_DIR}/guest/baseline/linux-initrd -append 'console=${BULKHEAD_PLATFORM_GUEST_CONSOLE} nokaslr'")

# bulkhead_bench_against_direct(<target> <script> <comment> <script options...>): a
# custom target (not a test) running <script> with command A = `make run`'s image and
# command B = the direct boot above.
function(bulkhead_bench_against_direct target script comment)
  add_custom_target(${target}
    COMMAND python3 ${script} ${ARGN}
            --a "${CMAKE_BINARY_DIR}/run.sh" --b "${BULKHEAD_BENCH_DIRECT_BOOT}"
            --report ${CMAKE_BINARY_DIR}/apps/${CAMKES_VM_APP}/system/report.txt
    USES_TERMINAL
    COMMENT "${comment}")
endfunction()
