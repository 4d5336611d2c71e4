#!/usr/bin/env python3
"""Boot benchmark of several VMs: vm_multi until its three guests have their prompt,
against vm_minimal until its one guest reaches userspace.

Runs the two QEMU commands interleaved (A, B, A, B, ...), each pinned to one host CPU
(bench/common/guest_console.py says why), measures the wall-clock time from QEMU's start
until the marker, and prints every figure, the medians and the median ratio A/B. A's
marker waits for the prompt of each of vm0, vm1 and vm2 (their lines are prefixed by the
SerialServer and come in any order); B's is its guest's first prompt on the PL011 (after
the userspace line), so both wait for the same thing.
Nothing is asserted.
"""
import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from guest_console import PinnedQemu, default_cpu  # noqa: E402

THREE_PROMPTS = "(?s)" + "".join(rf"(?=.*\[vm{n}\] / # )" for n in range(3))


def time_to(cmd, marker, timeout, cpu):
    with PinnedQemu(cmd, cpu) as qemu:
        return qemu.elapsed() if qemu.expect(marker, timeout) else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--a", required=True, help="vm_multi's QEMU command")
    ap.add_argument("--b", required=True, help="vm_minimal's QEMU command")
    ap.add_argument("--a-marker", default=THREE_PROMPTS)
    ap.add_argument("--b-marker", default=r"(?s)BULKHEAD-GUEST-READY.*# ")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=240)
    ap.add_argument("--cpu", type=int, default=default_cpu())
    args = ap.parse_args()
    print(f"A (vm_multi, 3 VMs): {args.a}\nB (vm_minimal, 1 VM): {args.b}\n"
          f"both pinned to host CPU {args.cpu}", flush=True)
    runs = {"vm_multi": [], "vm_minimal": []}
    for i in range(args.runs):
        for name, cmd, marker in (("vm_multi", args.a, args.a_marker),
                                  ("vm_minimal", args.b, args.b_marker)):
            t = time_to(cmd, marker, args.timeout, args.cpu)
            if t is None:
                print(f"run {i + 1} {name}: no marker within {args.timeout:.0f}s", flush=True)
                return 1
            runs[name].append(t)
            print(f"run {i + 1} {name}: {t:.3f} s", flush=True)
    a, b = runs["vm_multi"], runs["vm_minimal"]
    ratios = [x / y for x, y in zip(a, b)]
    print(f"median vm_multi (three userspaces): {statistics.median(a):.3f} s   "
          f"median vm_minimal (one): {statistics.median(b):.3f} s")
    print(f"boot ratio vm_multi/vm_minimal: median of pairs {statistics.median(ratios):.3f}x "
          f"({args.runs} interleaved pairs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
