// Kernel entry: QEMU (or a boot loader) enters here at EL2 with the MMU off. The
// first instruction branches over the boot info block the image packer fills in.
#define BOOT_STACK_SIZE 16384

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
    mrs     x0, CurrentEL
    cmp     x0, #(2 << 2)
    b.ne    .Lnot_el2
    msr     daifset, #0xf
    adrp    x0, kernel_stack_top        // PC-relative: the kernel runs wherever
    add     x0, x0, :lo12:kernel_stack_top  // the packer placed it
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
    bl      kernel_main
.Lnot_el2:
    wfe
    b       .Lnot_el2

    .section .bss.kernel_stack, "aw", %nobits
    .balign 16
kernel_stack:
    .space  BOOT_STACK_SIZE
    .global kernel_stack_top
kernel_stack_top:
