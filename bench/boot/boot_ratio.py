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

Wall-clock seconds depend on what else the host runs; each run also reports the host CPU
seconds QEMU used until the marker, which leave out the time others took from it, and the
part of them the host's kernel spent (mostly page faults: on a host that is itself a
virtual machine a fresh page costs 1-50 us there, unevenly, and a system image that touches
more memory pays more of it); the summary gives the ratio without that part too. With
--count PLUGIN (bench/net's stage_count_plugin) both commands run under `-icount
shift=0` and each run reports the instructions every core executed until the marker
(the kernel, the VMM, the guest, idle loops): independent of the host's load, and the
same on every run, so --runs 1 is enough there. What it cannot show is the host's
cost per instruction (QEMU's TLB flushes and refills, idle cores' wake-ups).
"""
import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from guest_console import PinnedQemu, add_pair_args, fill_guest_ram  # noqa: E402


def time_to_marker(cmd, marker, timeout, cpu):
    """(wall seconds, host CPU seconds) until the marker, or None."""
    with PinnedQemu(cmd, cpu) as qemu:
        if not qemu.expect(marker, timeout):
            return None
        return (qemu.elapsed(), qemu.cpu_seconds(), qemu.host_kernel_seconds())


def instructions_to_marker(cmd, marker, timeout, cpu, plugin):
    """Instructions executed by all cores until the marker (-icount shift=0), or None."""
    with tempfile.TemporaryDirectory() as tmp:
        # No bucket: every instruction counts as "other" (the plugin needs a ram line).
        with open(os.path.join(tmp, "map"), "w", encoding="ascii") as f:
            f.write("ram 0 1\n")
        request, out = os.path.join(tmp, "request"), os.path.join(tmp, "out")
        cmd += f" -icount shift=0 -plugin {plugin},map={tmp}/map,request={request},out={out}"
        with PinnedQemu(cmd, cpu) as qemu:
            if not qemu.expect(marker, timeout):
                return None
            open(request, "w", encoding="ascii").close()
            deadline = time.monotonic() + 10
            while os.path.exists(request) and time.monotonic() < deadline:
                time.sleep(0.02)
            with open(out, encoding="ascii") as f:
                return sum(int(line.split()[1]) for line in f if line.strip() != "end")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_pair_args(ap, "native")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--count", metavar="PLUGIN",
                    help="count instructions (-icount shift=0) with this QEMU plugin")
    args = ap.parse_args()
    args.b = fill_guest_ram(args.b, args.report, ap)
    if args.count:
        return count_instructions(args)
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
            print(f"run {i + 1} {name}: {t[0]:.3f} s to userspace ({t[1]:.3f} s host CPU, "
                  f"{t[2]:.2f} s of it in the host's kernel)", flush=True)
    # Host CPU less the host kernel's part: what QEMU itself executed, without the host's
    # page faults, whose cost this kind of host makes uneven (host_kernel_seconds).
    for r in results.values():
        r[:] = [(w, c, c - k) for w, c, k in r]
    for what, k in (("wall clock", 0), ("host CPU", 1), ("host CPU outside the host's kernel", 2)):
        a = [r[k] for r in results[args.a_name]]
        b = [r[k] for r in results[args.b_name]]
        med_a, med_b = statistics.median(a), statistics.median(b)
        ratios = [x / y for x, y in zip(a, b)]
        print(f"{what}: median {args.a_name}: {med_a:.3f} s   median {args.b_name}: {med_b:.3f} s")
        print(f"boot ratio ({what}) {args.a_name}/{args.b_name}: median of pairs "
              f"{statistics.median(ratios):.3f}x (ratio of medians {med_a / med_b:.3f}x, "
              f"{args.runs} interleaved pairs)")
    return 0


def count_instructions(args):
    counts = {args.a_name: [], args.b_name: []}
    for i in range(args.runs):
        for name, cmd in ((args.a_name, args.a), (args.b_name, args.b)):
            n = instructions_to_marker(cmd, args.marker, args.timeout, args.cpu, args.count)
            if n is None:
                print(f"run {i + 1} {name}: no marker within {args.timeout:.0f}s", flush=True)
                return 1
            counts[name].append(n)
            print(f"run {i + 1} {name}: {n / 1e6:.1f}M instructions to userspace", flush=True)
    med_a = statistics.median(counts[args.a_name])
    med_b = statistics.median(counts[args.b_name])
    print(f"boot ratio (instructions, -icount shift=0) {args.a_name}/{args.b_name}: "
          f"{med_a / med_b:.3f}x ({med_a / 1e6:.1f}M / {med_b / 1e6:.1f}M, medians of {args.runs})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
