#!/usr/bin/env python3
"""Writes the console lines the VM component must print after loading vm_minimal's
guest: each image's guest address, size and CRC-32 (zlib's, as base::TableCrc32), as
expect steps for tests/vm/expect_with_steps.py.
usage: expected_load.py <linux> <linux-initrd> <out.steps>"""
import re
import struct
import sys
import zlib

RAM_BASE = 0x40000000
KEEP_CLEAR = 2 << 20  # the VM keeps QEMU's DTB area clear
INITRD_ADDR = 0x4D700000


def crc(data):
    return zlib.crc32(data) & 0xFFFFFFFF


def main():
    linux, initrd, out = sys.argv[1:4]
    image = open(linux, "rb").read()
    text_offset = struct.unpack_from("<Q", image, 8)[0]
    entry = RAM_BASE + KEEP_CLEAR + text_offset
    rd = open(initrd, "rb").read()
    lines = [
        f"vm: linux at {entry:#x}: {len(image)} bytes, crc {crc(image):#x}",
        f"vm: linux-initrd at {INITRD_ADDR:#x}: {len(rd)} bytes, crc {crc(rd):#x}",
    ]
    with open(out, "w") as f:
        for line in lines:
            f.write("expect:" + re.escape(line) + "\n")
        f.write("expect:vm: guest DTB at 0x4f000000: [0-9]+ bytes\n")


if __name__ == "__main__":
    main()
