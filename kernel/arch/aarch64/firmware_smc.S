// firmware_smc(FirmwareRegisters* regs): see kernel/src/firmware_smc.hpp. The SMC at
// firmware_smc_insn is the one kernel_sync (vectors.S) lets fail: an undefined-instruction
// exception there returns NOT_SUPPORTED instead of being a kernel fault.
    .section .text.firmware_smc, "ax"
    .global firmware_smc
    .global firmware_smc_insn
firmware_smc:
    str     x0, [sp, #-16]!
    ldp     x6, x7, [x0, #48]
    ldp     x4, x5, [x0, #32]
    ldp     x2, x3, [x0, #16]
    ldp     x0, x1, [x0]
firmware_smc_insn:
    smc     #0
    ldr     x9, [sp], #16
    stp     x0, x1, [x9]
    stp     x2, x3, [x9, #16]
    ret
