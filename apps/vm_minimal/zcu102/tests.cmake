# vm_minimal's tests on zcu102 (included by ../CMakeLists.txt with _b and _image): the board's
# firmware-call module (platforms/zcu102/vmm, vmm_modules here) says at boot that it forwards
# its allowed calls to the firmware (allow_smc).
set(VM_MINIMAL_BOOT_STEPS
  "expect:vm: firmware calls \\(allow_smc\\): as the VMM modules allow"
  "expect:vmm: zynqmp_smc: 28 firmware calls allowed, forwarded to the firmware")

# The module at work: the guest DTB keeps the firmware node (vm_minimal_firmware.camkes) and
# the guest is Debian's generic kernel, which has ZynqMP's firmware driver (the cloud kernel
# leaves it out). At probe the driver asks PM_FEATURE_CHECK (0xc200003f, not on upstream's
# list: refused and logged), then PM_GET_API_VERSION (0xc2000001, allowed: forwarded to the
# firmware). QEMU's machine has no EL3 firmware: the answer is NOT_SUPPORTED, the driver gives
# up (-EINVAL) and the guest boots on.
if(RELEASE)
  return()
endif()
set(_dir ${CMAKE_CURRENT_SOURCE_DIR})
bulkhead_guest(NAME vm_minimal_board_kernel BOARD_KERNEL OVERLAYS ${_dir}/overlay)
set(_guest_bk ${BULKHEAD_GUEST_vm_minimal_board_kernel_DIR})
bulkhead_assembly_image(NAME vm_minimal_on_${_b}_firmware BOARD ${_b}
  ASSEMBLY ${_dir}/${_b}/vm_minimal_firmware.camkes INCLUDES ${_dir}/${_b} ${_dir}
  COMPONENT_DIRS ${BULKHEAD_TARGET_BINARY_DIR}/apps/vm_minimal
  FILES linux=${_guest_bk}/linux linux-dtb=${BULKHEAD_BOARD_${_b}_DTB}
        linux-initrd=${_guest_bk}/linux-initrd
  DEPENDS guest_vm_minimal_board_kernel)
bulkhead_system_test(NAME vm_minimal_on_${_b}_firmware_calls BOARD ${_b}
  IMAGE ${vm_minimal_on_${_b}_firmware_IMAGE}
  STEPS "expect:vmm: zynqmp_smc: 28 firmware calls allowed, forwarded to the firmware"
        "expect:vm: vCPU 0 started"
        "expect:vmm: zynqmp_smc: refused guest call 0xc200003f \\(x1 0x3f\\) on vCPU 0: NOT_SUPPORTED"
        "expect:vmm: zynqmp_smc: forwarded guest call 0xc2000001 \\(x1 0x0\\) on vCPU 0 to the firmware: x0 0xffffffffffffffff"
        "expect:zynqmp_firmware: probe of firmware:zynqmp-firmware failed with error -22"
        "expect:BULKHEAD-GUEST-READY" "expect:# "
        "send:echo firmware-$((40+2)) && cat /proc/device-tree/firmware/zynqmp-firmware/method"
        "expect:firmware-42" "expect:smc"
  FAIL "cannot handle" "VM halted" "set-up failed" "fault: thread" "Kernel panic" TIMEOUT 90)
