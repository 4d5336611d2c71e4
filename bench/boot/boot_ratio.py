#!/usr/bin/env python3
"""Boot-to-userspace benchmark: Bulkhead's image versus the same guest booted directly.

Runs the two QEMU commands interleaved (A, B, A, B, ...), measures for each run the
wall-clock time from QEMU's start until the guest prints the userspace marker,
and prints every figure, the medians and the median ratio A/B. The two runs of a
pair execute back to back on the same machine, so the ratio is what matters; the
absolute seconds depend on the host. Nothing is asserted.

Both QEMUs run pinned to one host CPU (--cpu, default the last one): on a virtual
host the CPUs can run at different speeds, and a pair split across them measures the
host, not the hypervisor.

The direct boot gets the memory Bulkhead's guest has: `{guest_ram_mib}` in command B
is replaced by the size of the first guest-ram line of the system report (--report).
"""
import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from guest_console import PinnedQemu, add_pair_args, fill_guest_ram  # noqa: E402


def time_to_marker(cmd, marker, timeout, cpu):
    with PinnedQemu(cmd, cpu) as qemu:
        return qemu.elapsed() if qemu.expect(marker, timeout) else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_pair_args(ap, "native")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    args.b = fill_guest_ram(args.b, args.report, ap)
    print(f"A ({args.a_name}): {args.a}\nB ({args.b_name}): {args.b}\n"
          f"both pinned to host CPU {args.cpu}", flush=True)

    results = {args.a_name: [], args.b_name: []}
    for i in range(args.runs):
        for name, cmd in ((args.a_name, args.a), (args.b_name, args.b)):
            t = time_to_marker(cmd, args.marker, args.timeout, args.cpu)
            if t is None:
                print(f"run {i + 1} {name}: no marker within {args.timeout:.0f}s", flush=True)
                return 1
            results[name].append(t)
            print(f"run {i + 1} {name}: {t:.3f} s to userspace", flush=True)
    med_a = statistics.median(results[args.a_name])
    med_b = statistics.median(results[args.b_name])
    ratios = [a / b for a, b in zip(results[args.a_name], results[args.b_name])]
    print(f"median {args.a_name}: {med_a:.3f} s   median {args.b_name}: {med_b:.3f} s")
    print(f"boot ratio {args.a_name}/{args.b_name}: median of pairs {statistics.median(ratios):.3f}x "
          f"(ratio of medians {med_a / med_b:.3f}x, {args.runs} interleaved pairs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
