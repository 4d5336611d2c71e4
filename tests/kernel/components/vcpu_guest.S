// kernel_vcpu guest: a bare-metal EL1 program (MMU off) run by a vCPU. x0 = mode
// (0: checks, 1: MMIO round-trip benchmark). It talks to its VMM (vcpu_vmm.cpp)
// through MMIO at an IPA nothing maps and through HVCs; x28 collects passed checks.
#include <arch_asm.h> // GICC register offsets, from libs/arch
#define DEVICE 0x10000000
#define GICC 0x08010000
#define HVC_ECHO 0x100
#define HVC_WFI 0x102
#define SMC_ECHO 0x103
#define HVC_INJECT 0x104
#define HVC_BENCH 0x1fe
#define HVC_DONE 0x1ff

    .section .text.start, "ax"
    .global _start
_start:
    mov     x27, x0
    mov     x28, #0
    ldr     x20, =DEVICE
    ldr     x21, =GICC
    cbnz    x27, bench

    // 1. An emulated MMIO read: the VMM answers 0x5a5a0001 in w1.
    ldr     w1, [x20]
    ldr     w2, =0x5a5a0001
    cmp     w1, w2
    b.ne    1f
    orr     x28, x28, #1
1:
    // 2. An emulated MMIO write (the VMM checks value and address).
    ldr     w3, =0xcafe0002
    str     w3, [x20, #8]
    orr     x28, x28, #2
    // 3. HVC: the VMM answers x0 = x1 + 1 and writes x2 = 0x77, TPIDR_EL1 and
    //    CNTV_CVAL_EL0 by VcpuWriteRegister.
    //    EL0's thread registers are the guest's: set before the exit, the VMM (a native
    //    thread that reads its own) must not see them, and they are kept meanwhile.
    ldr     x5, =0x6e57e1d0
    msr     tpidr_el0, x5
    ldr     x6, =0x6e57e0d0
    msr     tpidrro_el0, x6
    mov     x0, #HVC_ECHO
    mov     x1, #0x1234
    mov     x2, #0
    hvc     #0
    mrs     x4, tpidr_el0
    cmp     x4, x5
    b.ne    1f
    mrs     x4, tpidrro_el0
    cmp     x4, x6
    b.ne    1f
    mov     x3, #0x1235
    cmp     x0, x3
    b.ne    1f
    cmp     x2, #0x77
    b.ne    1f
    mrs     x4, tpidr_el1           // an EL1 register the VMM wrote meanwhile
    ldr     x3, =0x1234abcd
    cmp     x4, x3
    b.ne    1f
    mrs     x4, cntv_cval_el0       // and the virtual timer's compare value
    ldr     x3, =0x5eed0000
    cmp     x4, x3
    b.ne    1f
    orr     x28, x28, #4
1:
    // 4. The virtual timer through the GICV CPU interface, waited for in WFI, twice:
    //    the first interrupt's handler re-arms it through CNTV_TVAL only and leaves
    //    CNTV_CTL alone (unlike Linux), so the guest relies on its EOI to unmask the
    //    timer; the second stops it.
    mov     x19, #0                 // timer interrupts taken
    adr     x0, vectors
    msr     vbar_el1, x0
    mov     w0, #0xff
    str     w0, [x21, #GICC_PMR]
    mov     w0, #GICC_CTLR_ENABLE
    str     w0, [x21, #GICC_CTLR]
    mov     x22, #0
    mov     x0, #20000              // 320 us: long enough to be waited for in WFI
    msr     cntv_tval_el0, x0
    mov     x0, #1
    msr     cntv_ctl_el0, x0
    isb
2:  cbnz    x22, 3f                 // wait in WFI (blocks in the kernel), IRQs masked
    wfi
    msr     daifclr, #2             // take what woke us
    isb
    msr     daifset, #2
    b       2b
3:  cmp     x22, #27
    b.ne    1f
    orr     x28, x28, #8
1:
    // 5. WFI with nothing pending blocks until the VMM injects vINTID 40.
    mov     x0, #HVC_WFI
    adr     x1, wfi_point
    hvc     #0
    mov     x22, #0
wfi_point:
    wfi
    msr     daifclr, #2             // the injected interrupt is taken here
    isb
2:  cbz     x22, 2b
    msr     daifset, #2
    cmp     x22, #40
    b.ne    1f
    orr     x28, x28, #16
1:
    // 5b. The VMM injects vINTID 41 in its answer to this HVC; its EOI comes to the VMM
    //     with the next exit (the LDP below), not as an exit of its own.
    mov     x0, #HVC_INJECT
    hvc     #0
    mov     x22, #0
    msr     daifclr, #2
    isb
2:  cbz     x22, 2b
    msr     daifset, #2
    cmp     x22, #41
    b.ne    1f
    orr     x28, x28, #128
1:
    // 6. A pair load has no syndrome (ISV = 0): the VMM decodes the instruction the
    //    kernel fetched and writes both registers itself.
    ldp     w1, w2, [x20, #16]
    ldr     w3, =0x11110006
    cmp     w1, w3
    b.ne    1f
    ldr     w3, =0x22220006
    cmp     w2, w3
    b.ne    1f
    orr     x28, x28, #32
1:
    // 7. A trapped SMC resumes after the SMC with the VMM's x0.
    mov     x0, #SMC_ECHO
    smc     #0
    cmp     x0, #0x5c
    b.ne    1f
    orr     x28, x28, #64
1:
    mov     x0, #HVC_DONE
    mov     x1, x28
    adr     x2, vectors
    hvc     #0
    b       .

// Mean and minimum of 1000 trapped MMIO reads, in PMCCNTR_EL0 units (instructions
// under -icount shift=0).
bench:
    mov     x24, #1000
    mov     x25, #0
    mov     x26, #-1
2:  isb
    mrs     x3, pmccntr_el0
    ldr     w1, [x20]
    mrs     x4, pmccntr_el0
    sub     x5, x4, x3
    add     x25, x25, x5
    cmp     x5, x26
    csel    x26, x5, x26, lo
    subs    x24, x24, #1
    b.ne    2b
    mov     x0, #HVC_BENCH
    mov     x1, x25
    mov     x2, x26
    hvc     #0
    b       .

// IRQ from EL1h: acknowledge on the GICV; the timer's first interrupt re-arms it
// (x22 = 0: not done), its second stops it; EOI.
irq:
    ldr     w23, [x21, #GICC_IAR]
    and     w22, w23, #GICC_IAR_INTID_MASK
    cmp     w22, #27
    b.ne    1f
    add     x19, x19, #1
    cmp     x19, #1
    b.ne    2f
    mov     x22, #2000              // 32 us on: CNTV_CTL keeps what it has
    msr     cntv_tval_el0, x22
    mov     x22, #0
    b       1f
2:  msr     cntv_ctl_el0, xzr
1:  str     w23, [x21, #GICC_EOIR]
    eret

unexpected:
    mov     x0, #HVC_DONE
    mov     x1, #0xdead
    mrs     x2, esr_el1
    hvc     #0
    b       .

    .balign 2048
vectors:
    .irp i, 0, 1, 2, 3, 4
    .balign 0x80
    b       unexpected
    .endr
    .balign 0x80                    // current EL with SP_ELx: IRQ
    b       irq
    .irp i, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    .balign 0x80
    b       unexpected
    .endr
    .ltorg
