# vm_minimal's tests on zcu102 (included by ../CMakeLists.txt): the board's
# firmware-call module (platforms/zcu102/vmm, vmm_modules here) says at boot that it forwards
# its allowed calls to the firmware (allow_smc).
set(VM_MINIMAL_BOOT_STEPS
  "expect:vm: firmware calls \\(allow_smc\\): as the VMM modules allow"
  "expect:vmm: zynqmp_smc: 28 firmware calls allowed, forwarded to the firmware")

