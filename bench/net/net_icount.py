#!/usr/bin/env python3
"""Instructions per 1514-byte frame, guest -> PingClient -> guest, virtio-net over
virtio-mmio against virtio-pci.

Under QEMU's -icount shift=0 the guest's clock advances one nanosecond per instruction
executed (by any core: the kernel, the VMM, PingClient and the guest alike), so the time
the guest measures around a batch of back-to-back echoes (`ping -A`: the next request as
soon as the reply is in, 1472 bytes of data: 1514-byte frames both ways) is the
instructions the whole system spent on it. Two batch sizes in the same boot, and the
difference divided by the difference in frames, take out the fixed cost (starting ping,
reading the clock). Each round boots both images in alternating order, each QEMU pinned to one host CPU.
Figures only: nothing is asserted.
"""
import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "common"))
from guest_console import PinnedQemu, interleaved  # noqa: E402

SMALL, LARGE = 100, 2100
# The clock: /proc/timer_list's "now at <ns> nsecs" (nanoseconds, so instructions).
NOW = "$(grep -m1 -o 'now at [0-9]*' /proc/timer_list | grep -o '[0-9]*$')"
RUN = ("a=" + NOW + "; ping -A -q -c {n} -s 1472 192.168.1.2 > /tmp/p{n}; b=" + NOW + "; "
       "echo \"NET-RESULT {n} $a $b $(grep -o '[0-9]* packets received' /tmp/p{n})\"")


def batch(q, n):
    q.send(RUN.format(n=n))
    m = q.expect(r"NET-RESULT (\d+) (\d+) (\d+) (\d+) packets received", 600)
    if m is None:
        return None
    return int(m.group(3)) - int(m.group(2)), int(m.group(4))


def one(image, qemu, cpu):
    """Instructions per frame (two frames per echo), or None."""
    q = PinnedQemu(f"{qemu} -kernel {image}", cpu)
    try:
        if q.expect(r"Ping test was successful", 300) is None or q.expect(r"# ", 30) is None:
            return None
        small = batch(q, SMALL)
        large = batch(q, LARGE)
        if small is None or large is None or small[1] != SMALL or large[1] != LARGE:
            return None
        return (large[0] - small[0]) / (2 * (LARGE - SMALL))
    finally:
        q.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--mmio", required=True)
    ap.add_argument("--pci", required=True)
    ap.add_argument("--cpu", type=int, default=0)
    args = ap.parse_args()
    paths = {"virtio-mmio": args.mmio, "virtio-pci": args.pci}
    figures = {k: [] for k in paths}
    for r, name, res in interleaved(paths, args.rounds, lambda p: one(p, args.qemu, args.cpu)):
        if res is None:
            print(f"round {r}: {name}: no result")
            continue
        figures[name].append(res)
        print(f"round {r}: {name}: {res:,.0f} instructions per 1514-byte frame")
    for name, values in figures.items():
        if values:
            print(f"{name}: median {statistics.median(values):,.0f} instructions per frame "
                  f"({len(values)} rounds, {2 * (LARGE - SMALL)} frames each)")
    if all(figures.values()):
        ratio = statistics.median(figures["virtio-pci"]) / statistics.median(figures["virtio-mmio"])
        print(f"virtio-pci / virtio-mmio: {ratio:.2f}")


if __name__ == "__main__":
    main()
