#!/usr/bin/env python3
"""Writes the committed seed corpora of the VM library's fuzz targets (corpus/<target>/).
Run it again after changing an input format; the seeds are small, valid starting points."""
import struct
from pathlib import Path

HERE = Path(__file__).resolve().parent


def write(target, name, data):
    d = HERE / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


# fuzz_mmio: esr, far, hpfar (u64 each), instruction (u32), register fill (u64).
def mmio(esr, ipa, insn=0, fill=0x1122334455667788):
    return struct.pack("<QQQIQ", esr, ipa, (ipa >> 12) << 4, insn, fill)


DABT = (0x24 << 26) | (1 << 25) | 0x07
ISV = 1 << 24
write("fuzz_mmio", "isv_read_gicd_typer", mmio(DABT | ISV | (2 << 22) | (1 << 16), 0x8000004))
write("fuzz_mmio", "isv_write_scratch", mmio(DABT | ISV | (3 << 22) | (5 << 16) | (1 << 15) | (1 << 6), 0x9000010))
write("fuzz_mmio", "ldp_scratch", mmio(DABT, 0x9000010, 0xa94114c4))
write("fuzz_mmio", "str_post_gicd", mmio(DABT, 0x8000100, 0xb81fc483))
write("fuzz_mmio", "ldrsb_pre_scratch", mmio(DABT, 0x9000001, 0x38c01c41))
write("fuzz_mmio", "unmapped", mmio(DABT | ISV | (2 << 22), 0x20000000))


# fuzz_vgic: num_lrs-1, num_vcpus-1, num_irqs/32-1, then ops of 8 bytes:
# op (bits 0-1: read/write/inject/eoi, bits 4-5: log2 width; inject: bit 6 level line,
# bit 7 high), vcpu, offset (u16), value (u32).
def op(kind, vcpu, offset, value=0, width=4):
    return struct.pack("<BBHI", kind | ({1: 0, 2: 1, 4: 2, 8: 3}[width] << 4), vcpu, offset, value)


linux = [op(1, 0, 0x000, 0)]
linux += [op(1, 0, 0x800 + i, 0x01010101) for i in range(32, 96, 4)]
linux += [op(1, 0, 0x400 + i, 0xa0a0a0a0) for i in range(0, 96, 4)]
linux += [op(1, 0, 0x180, 0xffffffff), op(1, 0, 0x380, 0xffffffff), op(1, 0, 0x000, 1)]
linux += [op(1, 0, 0x104, 0x2), op(2, 0, 33), op(0, 0, 0x204), op(3, 0, 0, 0)]
write("fuzz_vgic", "linux_init_uart_irq", bytes([3, 0, 8]) + b"".join(linux))
sgis = [op(1, 0, 0x000, 1), op(1, 0, 0xf00, (1 << 24) | 1), op(1, 1, 0xf00, (2 << 24) | 2),
        op(1, 1, 0xf22, 0x3, 1), op(0, 1, 0xf20), op(3, 1, 0, 0), op(3, 1, 0, 1)]
write("fuzz_vgic", "sgis_two_vcpus", bytes([1, 1, 2]) + b"".join(sgis))
overflow = [op(1, 0, 0x000, 1), op(1, 0, 0x104, 0xffffffff)]
overflow += [op(1, 0, 0x820 + i, 1, 1) for i in range(8)]
overflow += [op(2, 0, 32 + i) for i in range(8)] + [op(3, 0, 0, i) for i in range(4)]
write("fuzz_vgic", "overflow_queue", bytes([1, 0, 1]) + b"".join(overflow))
level = [op(1, 0, 0x000, 1), op(1, 0, 0x104, 0x10000), op(1, 0, 0x830, 1, 1),
         op(2 | 0xc0, 0, 48), op(3, 0, 0, 0), op(2 | 0x40, 0, 48), op(3, 0, 0, 0)]
write("fuzz_vgic", "level_line", bytes([3, 0, 1]) + b"".join(level))



# fuzz_vgic_redistributors: num_lrs-1, num_vcpus-1, num_irqs/32-1, then ops of 14 bytes:
# op (bits 0-2: redistributor read/write, distributor read/write, SGI1R write, inject,
# EOI, reset; bits 4-5: log2 width), vcpu, offset (u32), value (u64).
def op3(kind, vcpu, offset, value=0, width=4):
    return struct.pack("<BBIQ", kind | ({1: 0, 2: 1, 4: 2, 8: 3}[width] << 4), vcpu, offset, value)


FRAME, SGI = 0x20000, 0x10000
boot = [op3(3, 0, 0x0, 0)] + [op3(3, 0, 0x80 + i // 8, 0xffffffff) for i in range(32, 288, 32)]
boot += [op3(3, 0, 0x0, 0x13)] + [op3(3, 0, 0x6000 + 8 * i, 0, 8) for i in range(32, 64)]
for v in range(4):
    boot += [op3(0, v, v * FRAME + 0x8, 0, 8), op3(1, v, v * FRAME + 0x14, 0),
             op3(0, v, v * FRAME + 0x14), op3(1, v, v * FRAME + SGI + 0x80, 0xffffffff),
             op3(1, v, v * FRAME + SGI + 0x100, 0x0800ffff)]
boot += [op3(3, 0, 0x104, 0x2), op3(5, 0, 33), op3(5, 2, 27), op3(6, 0, 0, 0)]
write("fuzz_vgic_redistributors", "linux_boot_four_vcpus", bytes([3, 3, 8]) + b"".join(boot))
ipis = boot[:] + [op3(4, 0, 0, 0x0100000e), op3(4, 1, 0, (1 << 40) | (2 << 24)),
                  op3(4, 3, 0, (1 << 16) | 1), op3(4, 0, 0, 0x10), op3(6, 1, 0, 0),
                  op3(6, 2, 0, 1), op3(7, 0, 0, 0)]
write("fuzz_vgic_redistributors", "ipis_and_bad_targets", bytes([1, 3, 2]) + b"".join(ipis))
edges = [op3(0, 0, 4 * FRAME + 0x14), op3(1, 1, 2 * FRAME - 4, 1), op3(0, 0, FRAME - 1, 0, 8),
         op3(0, 0, SGI + 0x41f, 0, 1), op3(1, 0, SGI + 0xc04, 0xffffffff),
         op3(2, 0, 0xffe8), op3(2, 0, 0x7fd8, 0, 8), op3(3, 0, 0x7fdc, 5, 4)]
write("fuzz_vgic_redistributors", "frame_edges", bytes([3, 1, 31]) + b"".join(edges))


# fuzz_cpio: newc archives.
def newc(name, data, mode=0o100644):
    n = name.encode() + b"\0"
    fields = [1, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(n), 0]
    out = b"070701" + b"".join(b"%08X" % f for f in fields) + n
    out += b"\0" * (-len(out) % 4) + data
    return out + b"\0" * (-len(out) % 4)


archive = newc("linux", b"ARMd" * 8) + newc("linux-dtb", b"\xd0\x0d\xfe\xed") + \
    newc("linux-initrd", b"initrd") + newc("TRAILER!!!", b"", 0)
write("fuzz_cpio", "three_files", archive)
write("fuzz_cpio", "truncated", archive[:150])
write("fuzz_cpio", "dir_and_dot_slash", newc("./etc", b"", 0o40755) + newc("./linux", b"k") +
      newc("TRAILER!!!", b"", 0))
