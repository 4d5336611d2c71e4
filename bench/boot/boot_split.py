#!/usr/bin/env python3
"""Where boot time goes, by stage: Bulkhead's image and the direct boot of the same guest.

Each run notes, from QEMU's start, the wall-clock and host CPU seconds at which each stage's
console line appears, and prints per stage the medians over --runs interleaved runs (each
QEMU pinned to one host CPU, as in boot_ratio.py). The stages:

  qemu       until Bulkhead's banner (QEMU's start, loading the image)
  bulkhead   kernel boot and the VMM loading the guest's images, until the vCPU starts
  linux      the guest kernel's boot, until it runs /init
  userspace  /init until the userspace marker

The direct boot has only the last two: Linux's first console line comes out when its
console registers, well into its boot, so its "linux" stage starts with QEMU's (which
takes a few hundredths of a second there).

A stage the guest spends longer in under Bulkhead than directly is the guest running
slower (two-stage translation, exits); a Bulkhead stage is start-up work of its own.
Figures only: nothing is asserted.
"""
import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from guest_console import PinnedQemu, add_pair_args, fill_guest_ram  # noqa: E402

# (stage, the line that ends it); a None line: the stage does not exist for that command.
BULKHEAD_STAGES = [("qemu", r"Bulkhead separation kernel"), ("bulkhead", r"vm: vCPU 0 started"),
                   ("linux", r"Run /init as init process")]
DIRECT_STAGES = [("qemu", None), ("bulkhead", None),
                 ("linux", r"Run /init as init process")]


def split(cmd, stages, marker, timeout, cpu):
    """{stage: (wall, cpu) seconds spent in it}, or None when a line did not come."""
    with PinnedQemu(cmd, cpu) as qemu:
        out, last = {}, (0.0, 0.0)
        for name, line in stages + [("userspace", marker)]:
            if line is None:
                out[name] = (0.0, 0.0)
                continue
            if not qemu.expect(line, timeout):
                return None
            now = (qemu.elapsed(), qemu.cpu_seconds())
            out[name] = (now[0] - last[0], now[1] - last[1])
            last = now
        return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_pair_args(ap, "native")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    args.b = fill_guest_ram(args.b, args.report, ap)
    runs = {args.a_name: [], args.b_name: []}
    for i in range(args.runs):
        for name, cmd, stages in ((args.a_name, args.a, BULKHEAD_STAGES),
                                  (args.b_name, args.b, DIRECT_STAGES)):
            s = split(cmd, stages, args.marker, args.timeout, args.cpu)
            if s is None:
                print(f"run {i + 1} {name}: a stage's line did not come within {args.timeout:.0f}s")
                return 1
            runs[name].append(s)
            print(f"run {i + 1} {name}: " +
                  ", ".join(f"{k} {w:.2f}s ({c:.2f}s CPU)" for k, (w, c) in s.items()), flush=True)
    print(f"\nmedians of {args.runs} runs, seconds: wall (host CPU)")
    print(f"{'stage':<10} {args.a_name:>18} {args.b_name:>18}")
    for stage in [s for s, _ in BULKHEAD_STAGES] + ["userspace", "total"]:
        cells = []
        for name in (args.a_name, args.b_name):
            if stage == "total":
                w = statistics.median(sum(v[0] for v in r.values()) for r in runs[name])
                c = statistics.median(sum(v[1] for v in r.values()) for r in runs[name])
            else:
                w = statistics.median(r[stage][0] for r in runs[name])
                c = statistics.median(r[stage][1] for r in runs[name])
            cells.append(f"{w:7.2f} ({c:5.2f})")
        print(f"{stage:<10} {cells[0]:>18} {cells[1]:>18}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
