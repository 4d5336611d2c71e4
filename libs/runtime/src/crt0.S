// Component thread entry: the kernel starts every thread here with x0 = its spec
// argument and sp at its stack top; memory beyond initial contents is already zero.
    .section .text.crt0, "ax"
    .global _start
_start:
    mov     x29, #0
    mov     x30, #0
    bl      component_start     // never returns
    b       .
