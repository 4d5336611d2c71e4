// Kernel entry: QEMU (or a boot loader) enters here at EL2 with the MMU off. The
// first instruction branches over the boot info block the image packer fills in.
// Secondary cores enter at secondary_entry (PSCI CPU_ON from the boot core).
#include "kernel_stack.h"

    .section .text.boot, "ax"
    .global _start
_start:
    b       1f
    .balign 8
    .global bulkhead_boot_info
bulkhead_boot_info:
    .ascii  "BHDBOOT1"
    .quad   0               // spec_phys
    .quad   0               // spec_bytes
    .quad   0               // console_base
    .word   0, 0            // console_kind, console_reg_shift
1:
    mov     x19, x0                     // the boot loader's x0 (a DTB, maybe): kernel_main's
    mrs     x0, CurrentEL
    cmp     x0, #(2 << 2)
    b.ne    .Lnot_el2
    msr     daifset, #0xf
    adrp    x0, kernel_stacks           // PC-relative: the kernel runs wherever
    add     x0, x0, :lo12:kernel_stacks // the packer placed it; core 0's stack
    add     x0, x0, #KERNEL_STACK_SIZE
    mov     sp, x0
    adrp    x0, __bss_start
    add     x0, x0, :lo12:__bss_start
    adrp    x1, __bss_end
    add     x1, x1, :lo12:__bss_end
2:  cmp     x0, x1
    b.hs    3f
    str     xzr, [x0], #8
    b       2b
3:  adrp    x0, exception_vectors
    add     x0, x0, :lo12:exception_vectors
    msr     vbar_el2, x0
    isb
    mov     x0, x19
    bl      kernel_main
.Lnot_el2:
    wfe
    b       .Lnot_el2

// x0 = the core's index (the PSCI context id), EL2, MMU off, bss already cleared.
    .global secondary_entry
secondary_entry:
    msr     daifset, #0xf
    adrp    x1, kernel_stacks
    add     x1, x1, :lo12:kernel_stacks
    add     x2, x0, #1
    add     x1, x1, x2, lsl #KERNEL_STACK_SHIFT
    mov     sp, x1
    adrp    x1, exception_vectors
    add     x1, x1, :lo12:exception_vectors
    msr     vbar_el2, x1
    isb
    bl      secondary_main
    b       .Lnot_el2

    .section .bss.kernel_stacks, "aw", %nobits
    .balign 16
    .global kernel_stacks
kernel_stacks:
    .space  KERNEL_STACK_SIZE * KERNEL_MAX_CORES
