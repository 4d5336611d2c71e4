// bench_vm guest: a bare-metal arm64 "Image" (boot-protocol header, so the VM component
// loads and places it like Linux) that times 1000 reads of the emulated GICD_TYPER
// with PMCCNTR_EL0 (instructions under -icount shift=0, EL2 and EL0 counted too, so
// the figure is the whole round trip: guest -> kernel -> VM component's decode, MMIO
// bus and vGIC -> reply -> guest), prints mean and minimum on the passed-through
// PL011, asks the VMM to print its exit counters (vendor call 0xC6000001) and powers off
// through PSCI SYSTEM_OFF. The test vm_exit_counters runs the same image without -icount.
#include <arch_asm.h>          // register offsets, from libs/arch
#include <arch/arm64_image_header.inc>
#define GICD_BASE 0x08000000     // where qemu-arm-virt's guest finds its distributor
#define UART 0x09000000
#define PSCI_SYSTEM_OFF 0x84000008
#define EXIT_COUNTERS 0xc6000001 // Bulkhead vendor hypervisor call (components/VM/exit_counts.hpp)
#define READS 1000
#define SCRATCH 0x40400000   // digit buffer (guest RAM, below the initrd)

    .section .text.start, "ax"
    .global _start
_start:
    ARM64_IMAGE_HEADER start

start:
    mrs     x0, pmcr_el0
    orr     x0, x0, #1              // E: counters on
    msr     pmcr_el0, x0
    mov     x0, #(1 << 31)          // the cycle counter
    msr     pmcntenset_el0, x0
    mov     x0, #(1 << 27)          // PMCCFILTR.NSH: count at EL2 as well
    msr     pmccfiltr_el0, x0
    isb
    ldr     x20, =(GICD_BASE + GICD_TYPER)
    ldr     x21, =UART

    // Before the timed loop, accesses without a valid syndrome (ISV=0), which the VMM
    // completes from registers it reads in one call and writes back in one: a load with
    // SP post-indexed, a pre-indexed load on x18, a store pair and its read-back.
    // vm_exit_counters expects the line that says they were right.
    ldr     w13, [x20]              // GICD_TYPER (ISV=1), the value to compare with
    mov     x9, sp
    mov     sp, x20
    ldr     w11, [sp], #4           // TYPER; SP += 4
    mov     x12, sp
    mov     sp, x9
    sub     x12, x12, x20
    mov     x18, #GICD_BASE
    ldr     w17, [x18, #4]!         // TYPER; x18 = GICD_BASE + 4
    sub     x18, x18, x20
    ldr     x15, =(GICD_BASE + GICD_IGROUPR + 4) // SPIs' groups (GICv3: not RAZ/WI)
    mov     w16, #0x5a5a
    mov     w14, #0
    stp     w16, w14, [x15]         // IGROUPR1 and 2
    ldr     w19, [x15]
    str     wzr, [x15]
    cmp     w11, w13
    ccmp    w17, w13, #0, eq
    ccmp    x12, #4, #0, eq
    ccmp    x18, #0, #0, eq
    ccmp    w19, w16, #0, eq
    adr     x0, msg_isv0_ok
    b.eq    5f
    adr     x0, msg_isv0_bad
5:  bl      puts
    mov     x24, #READS
    mov     x25, #0                 // sum
    mov     x26, #-1                // minimum
1:  isb
    mrs     x3, pmccntr_el0
    ldr     w1, [x20]
    mrs     x4, pmccntr_el0
    sub     x5, x4, x3
    add     x25, x25, x5
    cmp     x5, x26
    csel    x26, x5, x26, lo
    subs    x24, x24, #1
    b.ne    1b

    adr     x0, msg_mean
    bl      puts
    mov     x1, #READS
    udiv    x0, x25, x1
    bl      putdec
    adr     x0, msg_min
    bl      puts
    mov     x0, x26
    bl      putdec
    adr     x0, msg_typer
    bl      puts
    ldr     w0, [x20]
    bl      putdec
    mov     x0, #'\n'
    bl      putc
    ldr     x0, =EXIT_COUNTERS         // the VMM prints the exit counters now (on request)
    hvc     #0
    ldr     x0, =PSCI_SYSTEM_OFF
    hvc     #0
    b       .

// putc(x0): polled PL011 transmit.
putc:
    ldr     w9, [x21, #0x18]        // FR
    tbnz    w9, #5, putc            // TXFF
    str     w0, [x21]
    ret

// puts(x0): NUL-terminated string.
puts:
    mov     x15, x30
    mov     x10, x0
2:  ldrb    w0, [x10], #1
    cbz     w0, 3f
    bl      putc
    b       2b
3:  ret     x15

// putdec(x0): unsigned decimal, digits built backwards in SCRATCH.
putdec:
    mov     x12, x30
    ldr     x10, =SCRATCH + 32
    mov     x11, #10
    strb    wzr, [x10]
4:  udiv    x13, x0, x11
    msub    x14, x13, x11, x0
    add     w14, w14, #'0'
    strb    w14, [x10, #-1]!
    mov     x0, x13
    cbnz    x0, 4b
    mov     x0, x10
    bl      puts
    ret     x12

msg_isv0_ok:  .asciz "bench_vm: accesses without syndrome (ISV=0) completed right\n"
msg_isv0_bad: .asciz "bench_vm: accesses without syndrome (ISV=0) completed WRONG\n"
msg_mean:  .asciz "bench_vm: trapped GICD read round trip through the VM component: mean "
msg_min:   .asciz ", min "
msg_typer: .asciz " instructions (1000 reads), GICD_TYPER = "
    .balign 8
    .ltorg
