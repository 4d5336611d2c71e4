#!/usr/bin/env python3
"""Writes the committed seed corpus of fuzz_virtio_pci (corpus/fuzz_virtio_pci/): a Linux
enumeration and virtio-pci probe as ops of 8 bytes (op, log2 width, offset u16, value
u32) after a u16 op count, then RAM holding two rings. Ops: 0 ECAM read, 1 ECAM write
(device (op >> 3) & 3), 3 window read, 4 window write (offset from the PCI memory
window), 6 RAM poke, 7 a frame arrives. Run it again after changing that format."""
import struct
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEV1 = 1 << 3  # device 1 in op bits 3..4
ECAM_RD, ECAM_WR, WIN_RD, WIN_WR, FRAME = 0, 1, 3, 4, 7
RAM = 0x40000000
MEM = 0x3fd00000  # the PCI memory window (fuzzer: ECAM 0x3fc00000 + 1 MiB)


def op(kind, width, offset, value=0, dev=DEV1):
    log2 = {1: 0, 2: 1, 4: 2, 8: 3}[width]
    return struct.pack("<BBHI", kind | (dev if kind in (ECAM_RD, ECAM_WR) else 0), log2,
                       offset, value & 0xffffffff)


def enumerate_and_place():
    ops = [op(ECAM_RD, 4, 0x00), op(ECAM_RD, 4, 0x00, dev=0), op(ECAM_RD, 1, 0x34)]
    ops += [op(ECAM_RD, 1, at) for at in (0x40, 0x41, 0x43, 0x44)]
    ops += [op(ECAM_WR, 4, 0x10, 0xffffffff), op(ECAM_RD, 4, 0x10), op(ECAM_WR, 4, 0x10, MEM),
            op(ECAM_WR, 2, 0x04, 0x6)]
    return ops


def probe(queues):
    ops = [op(WIN_WR, 1, 0x14, 0), op(WIN_WR, 1, 0x14, 1), op(WIN_WR, 1, 0x14, 3),
           op(WIN_WR, 4, 0x00, 1), op(WIN_RD, 4, 0x04), op(WIN_WR, 4, 0x08, 1),
           op(WIN_WR, 4, 0x0c, 1), op(WIN_WR, 4, 0x08, 0), op(WIN_WR, 4, 0x0c, 0x30000020),
           op(WIN_WR, 1, 0x14, 11)]
    for q, (desc, avail, used) in enumerate(queues):
        ops += [op(WIN_WR, 2, 0x16, q), op(WIN_RD, 2, 0x18), op(WIN_WR, 2, 0x18, 16)]
        for field, addr in ((0x20, desc), (0x28, avail), (0x30, used)):
            ops += [op(WIN_WR, 4, field, addr), op(WIN_WR, 4, field + 4, 0)]
        ops += [op(WIN_WR, 2, 0x1c, 1)]
    ops += [op(WIN_WR, 1, 0x14, 15)]
    return ops


def rings():
    ram = bytearray(0x2000)
    # rx at 0x0, tx at 0x1000: 16 entries, one buffer each offered.
    for base, flags in ((0x0, 2), (0x1000, 0)):
        struct.pack_into("<QIHH", ram, base, RAM + base + 0x800, 1514 + 12, flags, 0)
        struct.pack_into("<HHH", ram, base + 0x100, 0, 1, 0)
    return bytes(ram)


def write(name, ops, ram=b""):
    out = HERE / "corpus" / "fuzz_virtio_pci"
    out.mkdir(parents=True, exist_ok=True)
    (out / name).write_bytes(struct.pack("<H", len(ops)) + b"".join(ops) + ram)


queues = [(RAM + 0x0, RAM + 0x100, RAM + 0x200), (RAM + 0x1000, RAM + 0x1100, RAM + 0x1200)]
write("enumerate", enumerate_and_place())
write("probe", enumerate_and_place() + probe(queues), rings())
write("traffic", enumerate_and_place() + probe(queues) +
      [op(WIN_WR, 2, 0x3004, 1), op(WIN_RD, 1, 0x1000), op(FRAME, 4, 0, 60),
       op(WIN_WR, 2, 0x3000, 0), op(WIN_RD, 1, 0x1000), op(WIN_RD, 1, 0x2000)], rings())
write("pci_cfg", enumerate_and_place() +
      [op(ECAM_WR, 1, 0x84 + 4, 0), op(ECAM_WR, 4, 0x84 + 8, 0x12), op(ECAM_WR, 4, 0x84 + 12, 2),
       op(ECAM_RD, 4, 0x84 + 16), op(ECAM_WR, 2, 0x04, 0x400)])
write("hostile", enumerate_and_place() +
      [op(ECAM_WR, 4, 0x10, 0x40000000), op(WIN_WR, 2, 0x18, 100), op(WIN_WR, 2, 0x1c, 1),
       op(WIN_WR, 2, 0x3000 + 28, 7), op(WIN_WR, 8, 0x20, 0xffffffff)])
