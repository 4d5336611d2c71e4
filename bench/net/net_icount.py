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

With --exits, one more boot of each image counts the guest's exits per round trip by kind
from the kernel's counters (bench/common/exit_counters.py; a debug image), around the same
two batches, the difference divided by the difference in round trips; also the exits that
reached the VMM and the guest<->native switches they cost (two each: out and back). The
QEMU command must have `-monitor none -serial stdio`: that boot replaces it with
`-serial mon:stdio`, the monitor behind the console.
"""
import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "common"))
from exit_counters import TO_VMM, exit_counters, exits_only, read_counters  # noqa: E402
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


def exits(image, qemu, cpu):
    """{kind: exits per round trip} (and "eoi-carried": exits that carried an EOI report),
    or a string saying what went wrong."""
    console = "-monitor none -serial stdio"
    if console not in qemu:
        return f"the QEMU command has no {console!r} to put the monitor behind"
    with PinnedQemu(f"{qemu.replace(console, '-serial mon:stdio')} -kernel {image}", cpu) as q:
        m = q.expect(r"vcpu: (\d+) vCPUs", 120)
        if m is None:
            return "no vCPU line in the boot log (a release image?)"
        counters = []
        for _ in range(int(m.group(1))):
            line = q.expect(r"vcpu: exit counters of \S+ at 0x[0-9a-f]+:(?: [a-z0-9-]+)+\r?\n", 10)
            if line is None:
                return "no exit-counter line in the boot log"
            counters += exit_counters(line.group(0))
        if q.expect(r"Ping test was successful", 300) is None or q.expect(r"# ", 30) is None:
            return "the guest's ping test did not pass"
        counts = {}
        for n in (SMALL, LARGE):
            before = read_counters(q, counters)
            sent = batch(q, n)
            after = read_counters(q, counters)
            if before is None or after is None:
                return "the monitor did not answer"
            if sent is None or sent[1] != n:
                return f"batch of {n}: not every echo answered"
            counts[n] = {k: after[k] - before[k] for k in after}
        return {k: (counts[LARGE][k] - counts[SMALL][k]) / (LARGE - SMALL) for k in counts[LARGE]}


def print_exits(name, per_trip):
    if isinstance(per_trip, str):
        print(f"{name}: exits per round trip: FAILED: {per_trip}")
        return
    exits_ = exits_only(per_trip)
    to_vmm = sum(v for k, v in exits_.items() if k in TO_VMM)
    parts = ", ".join(f"{k} {v:.2f}" for k, v in per_trip.items() if v >= 0.005)
    print(f"{name}: {sum(exits_.values()):.2f} exits per round trip, {to_vmm:.2f} to the VMM "
          f"({2 * to_vmm:.1f} guest<->native switches): {parts}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--mmio", required=True)
    ap.add_argument("--pci", required=True)
    ap.add_argument("--cpu", type=int, default=0)
    ap.add_argument("--exits", action="store_true",
                    help="also exits per round trip by kind (one more boot of each image)")
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
    if args.exits:
        for name, path in paths.items():
            print_exits(name, exits(path, args.qemu, args.cpu))


if __name__ == "__main__":
    main()
