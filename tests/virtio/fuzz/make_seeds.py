#!/usr/bin/env python3
"""Writes the committed seed corpus of fuzz_virtqueue (corpus/fuzz_virtqueue/): small,
valid rings as a Linux driver would leave them. Run it again after changing the input
format (see fuzz_virtqueue.cpp): header (size log2, flags, desc/avail/used offsets from
4 KiB below RAM as u16, op count), ops of 4 bytes (op, arg, value u16), then RAM."""
import struct
from pathlib import Path

HERE = Path(__file__).resolve().parent
RAM = 0x40000000
NEXT, WRITE, INDIRECT = 1, 2, 4
POP, PUSH, IRQ, NOTIFY, POKE, AVAIL = 0, 1, 2, 3, 4, 5


class Ring:
    def __init__(self, log2, indirect=False, event_idx=False):
        self.n = 1 << log2
        self.log2 = log2
        self.flags = (1 if indirect else 0) | (2 if event_idx else 0)
        self.desc, self.avail, self.used = 0x0, 0x400, 0x800
        self.ram = bytearray(0x1000)
        self.heads = []
        self.data = 0xc00

    def put(self, off, fmt, *values):
        struct.pack_into("<" + fmt, self.ram, off, *values)

    def buf(self, payload=b"", writable_len=0):
        at = self.data
        self.ram[at:at + len(payload)] = payload
        self.data += max(len(payload), writable_len, 1) + 15 & ~15
        return RAM + at

    def desc_at(self, off, addr, length, flags, nxt=0):
        self.put(off, "QIHH", addr, length, flags, nxt)

    def publish(self, head):
        i = len(self.heads)
        self.put(self.avail + 4 + 2 * (i % self.n), "H", head)
        self.heads.append(head)
        self.put(self.avail + 2, "H", len(self.heads))

    def seed(self, ops):
        header = struct.pack("<BBHHHB", self.log2, self.flags, 0x1000 + self.desc,
                             0x1000 + self.avail, 0x1000 + self.used, len(ops))
        return header + b"".join(struct.pack("<BBH", *op) for op in ops) + bytes(self.ram)


def write(name, data):
    d = HERE / "corpus" / "fuzz_virtqueue"
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


# Transmit: two single-buffer frames, popped, pushed, interrupt decided.
r = Ring(3)
r.desc_at(0, r.buf(b"\x00" * 12 + b"frame one"), 21, 0)
r.desc_at(16, r.buf(b"\x00" * 12 + b"frame two"), 21, 0)
r.publish(0)
r.publish(1)
write("tx_two_frames", r.seed([(POP, 0, 0), (POP, 0, 0), (PUSH, 0, 0), (PUSH, 0, 0), (IRQ, 0, 0)]))

# Receive: header + data chained as writable, with event index.
r = Ring(3, event_idx=True)
r.desc_at(0, r.buf(writable_len=12), 12, WRITE | NEXT, 1)
r.desc_at(16, r.buf(writable_len=64), 64, WRITE)
r.publish(0)
r.put(r.avail + 4 + 2 * r.n, "H", 0)  # used_event
write("rx_chained_event_idx", r.seed([(NOTIFY, 1, 0), (POP, 3, 0), (PUSH, 0, 40), (IRQ, 0, 0),
                                      (NOTIFY, 0, 0), (AVAIL, 0, 0)]))

# Indirect: one descriptor naming a table of readable + writable entries.
r = Ring(4, indirect=True)
table = r.buf(writable_len=48)
toff = table - RAM
r.desc_at(toff, r.buf(b"request"), 7, NEXT, 1)
r.desc_at(toff + 16, r.buf(b"more"), 4, NEXT, 2)
r.desc_at(toff + 32, r.buf(writable_len=16), 16, WRITE)
r.desc_at(0, table, 48, INDIRECT)
r.publish(0)
write("indirect_table", r.seed([(POP, 7, 0), (PUSH, 0, 16), (IRQ, 0, 0), (POP, 0, 0)]))

# A guest changing the ring while the device works.
r = Ring(2)
for i in range(4):
    r.desc_at(16 * i, r.buf(b"x" * 8), 8, 0)
    r.publish(i)
write("guest_pokes_ring", r.seed([(POP, 0, 0), (POKE, 9, 0x1000 + 0x400 + 2), (POP, 0, 0),
                                  (POKE, 0x41, 0x1000 + 16 + 12), (POP, 0, 0), (PUSH, 0, 0)]))


# fuzz_virtio_net: op count (u16), ops of 8 bytes (op, log2 width, offset u16, value u32),
# then RAM (16 KiB at 0x40000000). Ops: 0 read, 1 write, 3 frame arrives (value: length),
# 4 link, 5 RAM poke, 6 backend room, 7 rx_ready.
def net_op(op, offset=0, value=0, width=4):
    return struct.pack("<BBHI", op, {1: 0, 2: 1, 4: 2, 8: 3}[width], offset, value)


def net_seed(ops, ram):
    return struct.pack("<H", len(ops)) + b"".join(ops) + bytes(ram)


def linux_start(queues):
    """Linux's virtio_mmio probe and virtio-net setup: status, features, both queues."""
    feats = (1 << 5) | (1 << 16) | (1 << 28) | (1 << 29)
    ops = [net_op(0, 0x000), net_op(0, 0x004), net_op(0, 0x008), net_op(1, 0x070, 0),
           net_op(1, 0x070, 1), net_op(1, 0x070, 3), net_op(1, 0x014, 1), net_op(0, 0x010),
           net_op(1, 0x014, 0), net_op(0, 0x010), net_op(1, 0x024, 1), net_op(1, 0x020, 1),
           net_op(1, 0x024, 0), net_op(1, 0x020, feats), net_op(1, 0x070, 11), net_op(0, 0x070)]
    for q, (desc, avail, used) in enumerate(queues):
        ops += [net_op(1, 0x030, q), net_op(0, 0x044), net_op(0, 0x034), net_op(1, 0x038, 16),
                net_op(1, 0x080, RAM + desc), net_op(1, 0x084, 0), net_op(1, 0x090, RAM + avail),
                net_op(1, 0x094, 0), net_op(1, 0x0a0, RAM + used), net_op(1, 0x0a4, 0),
                net_op(1, 0x044, 1)]
    return ops + [net_op(1, 0x070, 15), net_op(0, 0x100, 0, 1), net_op(0, 0x106, 0, 2)]


QUEUES = [(0x0, 0x100, 0x200), (0x400, 0x500, 0x600)]
ram = bytearray(0x2000)
# rx: two 1530-byte writable buffers posted; tx: one frame (header + 60 bytes) published.
struct.pack_into("<QIHH", ram, 0x00, RAM + 0x1000, 1530, WRITE, 0)
struct.pack_into("<QIHH", ram, 0x10, RAM + 0x1800, 1530, WRITE, 0)
struct.pack_into("<HHHH", ram, 0x100, 0, 2, 0, 1)
struct.pack_into("<QIHH", ram, 0x400, RAM + 0x0c00, 12, NEXT, 1)
struct.pack_into("<QIHH", ram, 0x410, RAM + 0x0c10, 60, 0, 0)
struct.pack_into("<HHH", ram, 0x500, 0, 1, 0)
ops = linux_start(QUEUES) + [net_op(1, 0x050, 1), net_op(0, 0x060), net_op(1, 0x064, 1),
                             net_op(3, 0, 1514), net_op(3, 0, 60), net_op(3, 0, 60),
                             net_op(7), net_op(4, 0, 0), net_op(0, 0x060), net_op(1, 0x064, 3)]
d = HERE / "corpus" / "fuzz_virtio_net"
d.mkdir(parents=True, exist_ok=True)
(d / "linux_probe_and_frames").write_bytes(net_seed(ops, ram))
# The same ring with a descriptor looping to itself, then resets and a restart.
looped = bytearray(ram)
struct.pack_into("<QIHH", looped, 0x410, RAM + 0x0c10, 60, NEXT, 1)
ops = linux_start(QUEUES) + [net_op(1, 0x050, 1), net_op(0, 0x070), net_op(1, 0x050, 1),
                             net_op(1, 0x070, 0)] + linux_start(QUEUES)
(d / "looped_tx_then_reset").write_bytes(net_seed(ops, looped))
# Backend full, then room again.
ops = [net_op(6, 0, 0)] + linux_start(QUEUES) + [net_op(1, 0x050, 1), net_op(6, 0, 3)]
(d / "backend_full").write_bytes(net_seed(ops, ram))

# fuzz_shared_ring (fuzz_shared_ring.cpp): ops of 3 bytes (op, arg u16). A frame each way as
# PingClient and the VMM exchange them, a ring filled to back-pressure, and a peer that
# rewrites the used ring and a descriptor.
SEND, POST, RECLAIM, SPOP, SPUSH, CORRUPT, SUPPRESS, SNOTIFY, RESTART = range(9)


def ring_seed(ops):
    return b"".join(struct.pack("<BH", op, arg) for op, arg in ops)


d = HERE / "corpus" / "fuzz_shared_ring"
d.mkdir(parents=True, exist_ok=True)
(d / "frame_each_way").write_bytes(ring_seed([
    (SEND, 1513), (SNOTIFY, 0), (SPOP, 0), (SPUSH, 0), (SUPPRESS, 0), (RECLAIM, 0),
    (POST, 1600), (SPOP, 0), (SPUSH, 700), (RECLAIM, 0)]))
(d / "full_ring").write_bytes(ring_seed(
    [(SEND, 1000)] * 8 + [(SPOP, 0)] * 3 + [(SPUSH, 0)] * 3 + [(RECLAIM, 0)] + [(SEND, 1000)] * 4))
(d / "peer_corrupts").write_bytes(ring_seed([
    (SEND, 100), (SEND, 2000), (SPOP, 0), (SPUSH, 0), (CORRUPT, 0x0690), (CORRUPT, 0x0692),
    (RECLAIM, 0), (CORRUPT, 0x0000), (CORRUPT, 0x0008), (SPOP, 0), (RESTART, 0), (SEND, 10),
    (SPOP, 0), (SPUSH, 0), (RECLAIM, 0)]))
