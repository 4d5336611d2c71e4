// EL2 exception vectors. Entries from EL0 (and from the idle loop at EL2) save the
// whole register context straight into the current thread and call into C++ (x0 = that
// thread) on a fresh kernel stack, the one of the core the thread is pinned to
// (Thread::kernel_stack); the kernel never returns through the stack — it leaves through
// restore_context() into whichever thread runs next. While a thread runs, SP_EL2 points
// at its context (restore_context leaves it there; TPIDR_EL2 points there too, for
// smp::this_core()), so the entry stores the registers sp-relative, with no scratch
// register to free first.
#include "kernel_stack.h"
#define CTX_SP_EL0 248
#define CTX_ELR 256
#define CTX_SPSR 264

.macro save_context
    stp     x0, x1, [sp, #0]
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
    mrs     x1, sp_el0
    stp     x30, x1, [sp, #240]     // x30 and SP_EL0 (CTX_SP_EL0)
    mrs     x1, elr_el2
    mrs     x2, spsr_el2
    stp     x1, x2, [sp, #CTX_ELR]
    mov     x0, sp
    ldr     x1, [x0, #THREAD_KERNEL_STACK]
    mov     sp, x1
.endm

.macro vector_entry target
    .balign 0x80
    b       \target
.endm

    .section .text.vectors, "ax"
    .balign 2048
    .global exception_vectors
exception_vectors:
    vector_entry kernel_unexpected      // current EL, SP0: sync
    vector_entry kernel_unexpected      //   irq
    vector_entry kernel_unexpected      //   fiq
    vector_entry kernel_unexpected      //   serror
    vector_entry kernel_sync            // current EL, SPx: sync (a kernel bug)
    vector_entry idle_irq               //   irq (only the idle loop runs with IRQs on)
    vector_entry kernel_unexpected      //   fiq
    vector_entry kernel_unexpected      //   serror
    vector_entry lower_sync             // lower EL, AArch64: sync (calls, faults)
    vector_entry lower_irq              //   irq
    vector_entry kernel_unexpected      //   fiq
    vector_entry lower_serror           //   serror
    vector_entry kernel_unexpected      // lower EL, AArch32: not supported
    vector_entry kernel_unexpected
    vector_entry kernel_unexpected
    vector_entry kernel_unexpected

lower_sync:
    save_context
    bl      handle_lower_sync
    b       .

lower_irq:
idle_irq:
    save_context
    bl      handle_irq
    b       .

lower_serror:
    save_context
    bl      handle_lower_serror
    b       .

kernel_sync:
    // The firmware call's SMC undefined (no EL3): SMCCC NOT_SUPPORTED, not a kernel fault.
    mrs     x1, elr_el2
    adrp    x2, firmware_smc_insn
    add     x2, x2, :lo12:firmware_smc_insn
    cmp     x1, x2
    b.ne    1f
    mrs     x0, esr_el2
    lsr     x0, x0, #26             // EC
    cbnz    x0, 1f                  // 0: unknown reason (an undefined instruction)
    add     x1, x1, #4
    msr     elr_el2, x1
    mov     x0, #-1
    mov     x1, #0
    mov     x2, #0
    mov     x3, #0
    eret
1:  mrs     x0, esr_el2
    mrs     x1, elr_el2
    mrs     x2, far_el2
    bl      handle_kernel_fault
    b       .

kernel_unexpected:
    mrs     x0, esr_el2
    mrs     x1, elr_el2
    mrs     x2, far_el2
    bl      handle_kernel_fault
    b       .

// restore_context(Context* ctx): leave the kernel into the thread owning ctx, with SP_EL2
// pointing at ctx for the next entry.
    .section .text.restore_context, "ax"
    .global restore_context
restore_context:
    msr     tpidr_el2, x0
    mov     sp, x0
    ldp     x1, x2, [x0, #CTX_ELR]
    msr     elr_el2, x1
    msr     spsr_el2, x2
    ldp     x30, x1, [x0, #240]     // x30 and SP_EL0 (CTX_SP_EL0)
    msr     sp_el0, x1
    ldp     x2, x3, [x0, #16]
    ldp     x4, x5, [x0, #32]
    ldp     x6, x7, [x0, #48]
    ldp     x8, x9, [x0, #64]
    ldp     x10, x11, [x0, #80]
    ldp     x12, x13, [x0, #96]
    ldp     x14, x15, [x0, #112]
    ldp     x16, x17, [x0, #128]
    ldp     x18, x19, [x0, #144]
    ldp     x20, x21, [x0, #160]
    ldp     x22, x23, [x0, #176]
    ldp     x24, x25, [x0, #192]
    ldp     x26, x27, [x0, #208]
    ldp     x28, x29, [x0, #224]
    ldp     x0, x1, [x0, #0]
    eret

// The idle loop runs at EL2h with IRQs unmasked and never touches the stack (sp is the
// idle thread's context, where its interrupt's entry saves it).
    .global idle_loop
idle_loop:
    wfi
    b       idle_loop
