#!/usr/bin/env python3
"""Guest workload benchmark: the same workloads in Bulkhead's guest and in the same guest booted directly.

Each round boots command A (Bulkhead's image) and then command B (the direct boot),
interleaved, each QEMU pinned to one host CPU (--cpu, default the last; see
bench/common/guest_console.py). In each boot it measures the wall-clock time from
QEMU's start to the userspace marker (what bench_boot measures), then types each
workload on the guest's shell, timed inside the guest from /proc/uptime (10 ms
resolution) and printed on the console. It prints every figure, the per-workload
medians and the ratio A/B. Nothing is asserted: the ratio is what matters, the
absolute seconds depend on the host.

Exits: in a Bulkhead boot, the kernel's boot log says where each vCPU's exit counters
are ("vcpu: exit counters of <vCPU> at <address>: <kinds>"); the script reads them
through QEMU's monitor (command A runs with -nographic, which puts the monitor behind
Ctrl-A c on the console) after boot and before and after each workload, outside the
timed part, and prints exits per second by kind per workload (guest seconds).

The direct boot gets the memory Bulkhead's guest has: `{guest_ram_mib}` in command B
is replaced by the size of the first guest-ram line of the system report (--report).
"""
import argparse
import math
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from guest_console import PinnedQemu, add_pair_args, fill_guest_ram  # noqa: E402

BOOT = "boot to userspace"
# (name, guest shell command); each runs once per boot, in this order.
WORKLOADS = [
    ("shell arithmetic loop", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done"),
    ("pipe: dd | md5sum", "dd if=/dev/zero bs=64k count=4000 2>/dev/null | md5sum"),
    ("fork+exec 1000x /bin/true", "i=0; while [ $i -lt 1000 ]; do /bin/true; i=$((i+1)); done"),
    ("touch 256 MiB (dd bs=256M)", "dd if=/dev/zero of=/dev/null bs=256M count=1 2>/dev/null"),
]


def timed_line(tag, command):
    """The line typed on the guest's shell: the command between two reads of the
    guest's uptime, then both on one line (the echoed input never matches: it has
    `$s` where the result has digits)."""
    return (f"read s x </proc/uptime; {command}; read e x </proc/uptime; "
            f"echo \"@@{tag} $s $e @@\"")


COUNTERS_LINE = re.compile(rb"vcpu: exit counters of (\S+) at 0x([0-9a-f]+):((?: [a-z0-9-]+)+)")


def exit_counters(boot_log):
    """[(vCPU, address, [kind names])] from the kernel's boot log (none: a direct boot)."""
    return [(m.group(1).decode(), int(m.group(2), 16), m.group(3).decode().split())
            for m in COUNTERS_LINE.finditer(boot_log)]


def read_counters(qemu, counters):
    """{kind: count summed over the vCPUs} read from guest-physical memory through the
    monitor, or None if the monitor did not answer."""
    total = {}
    for _, address, kinds in counters:
        lines = math.ceil(len(kinds) / 2)
        m = qemu.monitor(f"xp /{len(kinds)}gx {address:#x}",
                         r"((?:[0-9a-f]+: 0x[0-9a-f]+(?: 0x[0-9a-f]+)?\s*\n){%d})" % lines)
        if not m:
            return None
        values = [int(v, 16) for v in re.findall(rb"0x([0-9a-f]+)", m.group(1))]
        for kind, value in zip(kinds, values):
            total[kind] = total.get(kind, 0) + value
    return total


def one_boot(cmd, cpu, marker, timeout):
    """Boots `cmd` and runs every workload; returns ({workload: (guest s, host s)},
    {workload: {kind: exits}}) or a string saying what went wrong."""
    with PinnedQemu(cmd, cpu) as qemu:
        if not qemu.expect(marker, timeout):
            return f"no {marker!r} within {timeout:.0f}s"
        times = {BOOT: (qemu.elapsed(), qemu.elapsed())}
        counters = exit_counters(qemu.before)
        if not qemu.expect(r"# ", timeout):
            return "no shell prompt"
        exits = {}
        last = read_counters(qemu, counters) if counters else None
        if last is not None:
            exits[BOOT] = last
        for i, (name, command) in enumerate(WORKLOADS):
            sent = time.monotonic()
            qemu.send(timed_line(i, command))
            m = qemu.expect(rf"@@{i} ([0-9.]+) ([0-9.]+) @@", timeout)
            if not m:
                return f"{name}: no result within {timeout:.0f}s"
            times[name] = (float(m.group(2)) - float(m.group(1)), time.monotonic() - sent)
            now = read_counters(qemu, counters) if last is not None else None
            if now is not None:
                exits[name] = {k: now[k] - last.get(k, 0) for k in now}
                last = now
        return times, exits


def print_exit_rates(name, exits, seconds):
    """Exits per guest second by kind, per workload (medians over the rounds)."""
    if not exits:
        print(f"\nexits per second by kind: {name} reported no exit counters "
              "(a release build prints no boot log, or the monitor did not answer)")
        return
    kinds = list(next(iter(exits.values()))[0].keys())
    print(f"\n{name}: exits per second by kind (median over rounds; guest seconds)")
    width = max(len(w) for w in exits)
    print(f"{'workload':<{width}}  " + "  ".join(f"{k:>12}" for k in kinds + ["all"]))
    for w, rounds in exits.items():
        rates = {k: statistics.median(r.get(k, 0) / s for r, s in zip(rounds, seconds[w]) if s > 0)
                 for k in kinds}
        rates["all"] = statistics.median(sum(r.values()) / s for r, s in zip(rounds, seconds[w])
                                         if s > 0)
        print(f"{w:<{width}}  " + "  ".join(f"{rates[k]:>12.0f}" for k in kinds + ["all"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_pair_args(ap, "direct", "per boot and per workload")
    ap.add_argument("--rounds", type=int, default=7, help="interleaved pairs of boots")
    args = ap.parse_args()
    args.b = fill_guest_ram(args.b, args.report, ap)
    names = (args.a_name, args.b_name)
    print(f"A ({args.a_name}): {args.a}\nB ({args.b_name}): {args.b}\n"
          f"both pinned to host CPU {args.cpu}; {args.rounds} rounds, A then B in each\n"
          f"{BOOT}: host wall time from QEMU's start to {args.marker!r}\n"
          "workloads, typed on the guest's shell in each boot, in this order "
          "(figures: guest seconds from /proc/uptime; host seconds in brackets):", flush=True)
    for i, (name, command) in enumerate(WORKLOADS):
        print(f"  {name}: {timed_line(i, command)}")

    results = {n: {w: [] for w in [BOOT] + [w for w, _ in WORKLOADS]} for n in names}
    exits = {n: {} for n in names}
    for r in range(args.rounds):
        for name, cmd in zip(names, (args.a, args.b)):
            outcome = one_boot(cmd, args.cpu, args.marker, args.timeout)
            if isinstance(outcome, str):
                print(f"round {r + 1} {name}: {outcome}", flush=True)
                return 1
            times, boot_exits = outcome
            for w, (guest, _) in times.items():
                results[name][w].append(guest)
            for w, counts in boot_exits.items():
                exits[name].setdefault(w, []).append(counts)
            print(f"round {r + 1} {name}: " + ", ".join(
                f"{w} {g:.2f} ({h:.2f})" for w, (g, h) in times.items()), flush=True)

    a, b = names
    width = max(len(w) for w in results[a])
    print(f"\n{'workload':<{width}}  {a + ' s':>11}  {b + ' s':>9}  {a + '/' + b:>15}  "
          f"{'pairs med':>9}  rounds")
    for w in results[a]:
        med_a, med_b = statistics.median(results[a][w]), statistics.median(results[b][w])
        pairs = statistics.median(x / y for x, y in zip(results[a][w], results[b][w]) if y > 0)
        print(f"{w:<{width}}  {med_a:>11.3f}  {med_b:>9.3f}  {med_a / med_b:>14.3f}x  "
              f"{pairs:>8.3f}x  {args.rounds}")
    print(f"({a}/{b}: ratio of the medians; pairs med: median of the per-round ratios)")
    # Only complete sets of rounds: a round whose monitor read failed has no entry.
    complete = {w: v for w, v in exits[a].items() if len(v) == len(results[a][w])}
    print_exit_rates(a, complete, results[a])
    return 0


if __name__ == "__main__":
    sys.exit(main())
