// hostile_el1's entry: an arm64 "Image" header (the VM component loads and places it like
// Linux), the primary's and the secondary's entry (PSCI CPU_ON), the EL1 exception vectors
// (every vector saves the whole register file and calls hostile_exception() with its
// index, which may change the saved ELR, SPSR and x30), and the calls into the hypervisor.
#include <arch/arm64_image_header.inc>

    .section .text.start, "ax"
    .global _start
_start:
    ARM64_IMAGE_HEADER primary

primary:                            // x0: the DTB
    mov     x19, x0
    adrp    x1, __bss_start
    add     x1, x1, :lo12:__bss_start
    adrp    x2, _end
    add     x2, x2, :lo12:_end
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:  adrp    x1, stack0_top
    add     x1, x1, :lo12:stack0_top
    mov     sp, x1
    bl      set_vectors
    mov     x0, x19
    bl      hostile_main
3:  wfi
    b       3b

    .global secondary_entry
secondary_entry:                    // x0: CPU_ON's context id
    mov     x19, x0
    adrp    x1, stack1_top
    add     x1, x1, :lo12:stack1_top
    mov     sp, x1
    bl      set_vectors
    mov     x0, x19
    bl      hostile_secondary
4:  wfi
    b       4b

set_vectors:
    adrp    x1, vectors
    add     x1, x1, :lo12:vectors
    msr     vbar_el1, x1
    isb
    ret

// x0..x3 in, x0 out; x4..x17 must come back as they were (SMCCC 1.1+: the callee keeps
// them), which hvc_keeps_registers checks for the hypervisor.
    .global hvc_call
hvc_call:
    hvc     #0
    ret
    .global smc_call
smc_call:
    smc     #0
    ret
    .global hvc_call_imm
hvc_call_imm:                       // an HVC with a non-zero immediate (SMCCC: must be 0)
    hvc     #0x4242
    ret

// Returns the number of x4..x17 that differed after an HVC of function x0.
    .global hvc_keeps_registers
hvc_keeps_registers:
    .irp    n, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17
    mov     x\n, #(\n * 101)
    .endr
    hvc     #0
    mov     x0, #0
    .irp    n, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17
    cmp     x\n, #(\n * 101)
    cinc    x0, x0, ne
    .endr
    ret

// Vectors: 16 entries of 0x80 bytes; each makes room for the frame and goes to the
// common path with its index.
    .macro  VECTOR index
    .balign 0x80
    sub     sp, sp, #272
    stp     x0, x1, [sp, #0]
    mov     x1, #\index
    b       exception_common
    .endm

    .balign 0x800
vectors:
    .irp    i, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    VECTOR  \i
    .endr

exception_common:                   // [sp]: x0, x1 saved; x1: the vector's index
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    str     x30, [sp, #240]
    mrs     x2, elr_el1
    mrs     x3, spsr_el1
    stp     x2, x3, [sp, #248]
    mov     x0, sp
    bl      hostile_exception
    ldp     x2, x3, [sp, #248]
    msr     elr_el1, x2
    msr     spsr_el1, x3
    ldr     x30, [sp, #240]
    ldp     x28, x29, [sp, #224]
    ldp     x26, x27, [sp, #208]
    ldp     x24, x25, [sp, #192]
    ldp     x22, x23, [sp, #176]
    ldp     x20, x21, [sp, #160]
    ldp     x18, x19, [sp, #144]
    ldp     x16, x17, [sp, #128]
    ldp     x14, x15, [sp, #112]
    ldp     x12, x13, [sp, #96]
    ldp     x10, x11, [sp, #80]
    ldp     x8, x9, [sp, #64]
    ldp     x6, x7, [sp, #48]
    ldp     x4, x5, [sp, #32]
    ldp     x2, x3, [sp, #16]
    ldp     x0, x1, [sp, #0]
    add     sp, sp, #272
    eret

    .section .bss
    .balign 16
stack0:
    .space  16384
stack0_top:
stack1:
    .space  16384
stack1_top:
