// bench_vm guest: a bare-metal arm64 "Image" (boot-protocol header, so the VM component
// loads and places it like Linux) that counts, with PMCCNTR_EL0, what each kind of exit
// costs (instructions under -icount shift=0; EL2 and EL0 counted too, so a figure is the
// whole round trip: guest -> kernel [-> VM component -> reply] -> guest):
//   - a read of the emulated GICD_TYPER (MMIO: decode, MMIO bus and vGIC in the VMM),
//   - an HVC the VMM answers (PSCI_VERSION), a trapped system register the VMM answers
//     (MDSCR_EL1, a debug register),
//   - the virtual timer's interrupt, taken by the kernel and injected (the guest unmasks
//     its due timer; its own IRQs stay masked, so the virtual interrupt stays pending),
//   - a WFI the kernel returns from at once (that virtual interrupt is pending),
//   - the first touch of a 2 MiB chunk of guest RAM (stage-2 fault, the chunk zeroed).
// It prints mean and minimum of each on the passed-through PL011, asks the VMM to print
// its exit counters (vendor call 0xC6000001) and powers off through PSCI SYSTEM_OFF. The
// test vm_exit_counters runs the same image without -icount and checks that every counter
// moved by what the guest did.
#include <arch_asm.h>          // register offsets, from libs/arch
#include <arch/arm64_image_header.inc>
#define GICD_BASE 0x08000000     // where qemu-arm-virt's guest finds its distributor
#define UART 0x09000000
#define PSCI_SYSTEM_OFF 0x84000008
#define PSCI_VERSION 0x84000000
#define EXIT_COUNTERS 0xc6000001 // Bulkhead vendor hypervisor call (components/VM/exit_counts.hpp)
#define READS 1000
#define SCRATCH 0x40400000   // digit buffer (guest RAM, below the initrd)
#define TOUCHES 8            // first touches, 2 MiB (one chunk) apart from FRESH on
#define FRESH 0x50000000

// TIMED n, op1, op2, step: runs op1; op2 n times, each between two reads of PMCCNTR_EL0
// (`step` after each, untimed); leaves the mean in x25 and the minimum in x26.
.macro TIMED n, op1, op2=, step=
    mov     x24, #\n
    mov     x25, #0                 // sum
    mov     x26, #-1                // minimum
1:  isb
    mrs     x3, pmccntr_el0
    \op1
    \op2
    mrs     x4, pmccntr_el0
    \step
    sub     x5, x4, x3
    add     x25, x25, x5
    cmp     x5, x26
    csel    x26, x5, x26, lo
    subs    x24, x24, #1
    b.ne    1b
    mov     x1, #\n
    udiv    x25, x25, x1
.endm

    .section .text.start, "ax"
    .global _start
_start:
    ARM64_IMAGE_HEADER start

start:
    msr     daifset, #0xf           // no interrupt taken: an injected one stays pending
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
    TIMED   READS, "ldr w1, [x20]"
    adr     x0, msg_mmio
    bl      report
    adr     x0, msg_typer
    bl      puts
    ldr     w0, [x20]
    bl      putdec
    mov     x0, #'\n'
    bl      putc

    ldr     x22, =PSCI_VERSION
    TIMED   READS, "mov x0, x22", "hvc #0"
    adr     x0, msg_hvc
    bl      report
    adr     x0, msg_times
    bl      puts
    mrs     x1, mdscr_el1           // the first access logs a line; not timed
    TIMED   READS, "mrs x1, mdscr_el1"
    adr     x0, msg_sysreg
    bl      report
    adr     x0, msg_times
    bl      puts

    // The timer, due at once (CVAL 0): each write of CTL = ENABLE lifts the mask the
    // kernel set when it injected, so the timer asserts again and exits again.
    msr     cntv_cval_el0, xzr
    mov     x22, #1                 // CNTV_CTL.ENABLE
    TIMED   READS, "msr cntv_ctl_el0, x22", "isb"
    adr     x0, msg_timer
    bl      report
    adr     x0, msg_times
    bl      puts
    msr     cntv_ctl_el0, xzr       // off: no more timer exits
    isb
    TIMED   READS, "wfi"
    adr     x0, msg_wfi
    bl      report
    adr     x0, msg_times
    bl      puts

    ldr     x27, =FRESH
    TIMED   TOUCHES, "str xzr, [x27]", , "add x27, x27, #0x200000"
    adr     x0, msg_touch
    bl      report
    adr     x0, msg_chunks
    bl      puts

    ldr     x0, =EXIT_COUNTERS         // the VMM prints the exit counters now (on request)
    hvc     #0
    ldr     x0, =PSCI_SYSTEM_OFF
    hvc     #0
    b       .

// report(x0 = what was timed): "<what>: mean <x25>, min <x26> instructions".
report:
    mov     x16, x30
    bl      puts
    adr     x0, msg_mean
    bl      puts
    mov     x0, x25
    bl      putdec
    adr     x0, msg_min
    bl      puts
    mov     x0, x26
    bl      putdec
    adr     x0, msg_instructions
    bl      puts
    ret     x16

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
msg_mmio:   .asciz "bench_vm: trapped GICD read round trip through the VM component"
msg_typer:  .asciz " (1000 reads), GICD_TYPER = "
msg_hvc:    .asciz "bench_vm: HVC answered by the VM component (PSCI_VERSION)"
msg_sysreg: .asciz "bench_vm: trapped system register read answered by the VM component (MDSCR_EL1)"
msg_timer:  .asciz "bench_vm: virtual timer interrupt taken by the kernel and injected"
msg_wfi:    .asciz "bench_vm: WFI with an interrupt pending, answered by the kernel"
msg_touch:  .asciz "bench_vm: first touch of a 2 MiB chunk of guest RAM (stage-2 fault, zeroing)"
msg_mean:   .asciz ": mean "
msg_min:    .asciz ", min "
msg_instructions: .asciz " instructions"
msg_times:  .asciz " (1000 times)\n"
msg_chunks: .asciz " (8 chunks)\n"
    .balign 8
    .ltorg
