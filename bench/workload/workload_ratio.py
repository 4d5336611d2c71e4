#!/usr/bin/env python3
"""Guest workload benchmark: the same workloads in Bulkhead's guest, the same guest booted directly and, optionally, as a Xen dom0less domU.

Each round boots command A (Bulkhead's image), command B (the direct boot) and, with
--xen, Xen 4.17 dom0less with B's kernel, initrd and command line
(bench/common/xen_dom0less.py), the order rotated every round, each QEMU pinned to one
host CPU (--cpu, default the last; see bench/common/guest_console.py). In each boot it
measures the wall-clock time from QEMU's start to the userspace marker (what bench_boot
measures), then types each workload on the guest's shell, timed inside the guest from
/proc/uptime (10 ms resolution) and printed on the console; the last workload is an
idle guest (`sleep`, --idle-seconds). For every span it also takes the host CPU time of
the QEMU process (all its threads): on a host other jobs load, wall time measures them
too, CPU time much less. It prints every figure, the per-workload medians and the
ratios to B. Nothing is asserted: the ratios are what matter, the absolute seconds
depend on the host.

Cores: B and Xen's QEMU have one core, and A gets `-smp 1` appended (the guest and the
components of the systems this is for all run on core 0; the script refuses a system
with a vCPU elsewhere) unless --board-cores. Under QEMU every core costs the guest: its
TLB invalidations by broadcast (Linux uses only those) are work queued on every
emulated core, which wakes each idle core's host thread (docs/VM.md has the figures).

Exits: in a Bulkhead boot, the kernel's boot log says where each vCPU's exit counters
are ("vcpu: exit counters of <vCPU> at <address>: <kinds>"); the script reads them
through QEMU's monitor (the socket below) after boot and before and after each workload,
outside the timed part, and prints exits per second by kind per workload (guest seconds).

QEMU's TLB: every QEMU gets its monitor on a socket (bench/common/qemu_jit.py), and
QEMU's own TLB flush counts (`info jit`) are read around each workload of every system and
printed per guest second: under TCG they matter as much as exits (docs/ARCHITECTURE.md,
"QEMU's software TLB and a guest's switches"). QEMU sizes its TLB at its flushes, so one
boot's figures depend on what flushed it before: compare medians over rounds.

Stolen time: on a host that is itself a VM, its hypervisor can take the CPU away, and a
QEMU's CPU time includes what was stolen. Each span's stolen seconds (/proc/stat of the
pinned CPU) are printed, and spans that lost more than 5% are listed at the end.

The direct boot gets the memory Bulkhead's guest has: `{guest_ram_mib}` in command B
is replaced by the size of the first guest-ram line of the system report (--report).
"""
import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from exit_counters import exit_counters, exits_only, read_counters  # noqa: E402
from guest_console import PinnedQemu, add_pair_args, fill_guest_ram, steal_seconds  # noqa: E402
from qemu_jit import SocketMonitor, monitor_args, read_jit  # noqa: E402
import xen_dom0less  # noqa: E402

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


def one_boot(system, cpu, marker, timeout, workloads, sock):
    """Boots `system` (with a monitor on socket `sock`) and runs every workload; returns
    ({workload: (guest s, host s, host CPU s, host CPU stolen s, host-kernel s)},
    {workload: {kind: exits}},
    {workload: {QEMU counter: change}}) or a string saying what went wrong."""
    stolen_at_start = steal_seconds(cpu)
    if os.path.exists(sock):
        os.unlink(sock)
    with PinnedQemu(system.cmd + monitor_args(sock), cpu) as qemu:
        if not qemu.expect(marker, timeout):
            return f"no {marker!r} within {timeout:.0f}s"
        times = {BOOT: (qemu.elapsed(), qemu.elapsed(), qemu.cpu_seconds(),
                        steal_seconds(cpu) - stolen_at_start, qemu.host_kernel_seconds())}
        counters = exit_counters(qemu.before)
        elsewhere = re.search(rb"vcpu: (\S+) runs on core [1-9]", qemu.before)
        if system.one_core and elsewhere:
            return (f"{elsewhere.group(1).decode()} runs on a core QEMU does not have with "
                    "-smp 1: give --board-cores")
        if system.switch_input:
            qemu.send_raw(system.switch_input[0])
            if not qemu.expect(system.switch_input[1], timeout):
                return f"the console did not switch to the guest ({system.switch_input[1]!r})"
        # The shell is up when it answers (a prompt without a newline may wait in a
        # line-buffered console such as Xen's).
        qemu.send_paced("echo @@shell-$((6*7))")
        if not qemu.expect(r"@@shell-42", timeout):
            return "no answer from the guest's shell"
        exits, jit = {}, {}
        mon = SocketMonitor(sock)
        last = read_counters(mon, counters) if counters else None
        if last is not None:
            exits[BOOT] = last
        for i, (name, command) in enumerate(workloads):
            # From the last piece typed: the guest idles while it waits for the rest of
            # the line, and what a system does meanwhile is not the workload's.
            start = {}
            jit_before = read_jit(sock)
            qemu.send_paced(timed_line(i, command), before_last=lambda s=start: s.update(
                at=time.monotonic(), cpu=qemu.cpu_seconds(), steal=steal_seconds(cpu),
                kernel=qemu.host_kernel_seconds()))
            m = qemu.expect(rf"@@{i} ([0-9.]+) ([0-9.]+) @@", timeout)
            if not m:
                return f"{name}: no result within {timeout:.0f}s"
            times[name] = (float(m.group(2)) - float(m.group(1)),
                           time.monotonic() - start["at"], qemu.cpu_seconds() - start["cpu"],
                           steal_seconds(cpu) - start["steal"],
                           qemu.host_kernel_seconds() - start["kernel"])
            jit_after = read_jit(sock)
            if jit_before is not None and jit_after is not None:
                jit[name] = {k: jit_after[k] - jit_before[k] for k in jit_after}
            now = read_counters(mon, counters) if last is not None else None
            if now is not None:
                exits[name] = {k: now[k] - last.get(k, 0) for k in now}
                last = now
        return times, exits, jit


def print_jit_rates(jit, seconds, names):
    """QEMU's TLB flushes (full + partial, in TLB indexes) per guest second, per workload and
    system (medians over the rounds)."""
    workloads = [w for w in seconds[names[0]] if any(jit[n].get(w) for n in names)]
    if not workloads:
        print("\nQEMU's TLB flushes: no monitor answered")
        return
    print("\nQEMU's TLB flushes per guest second (`info jit`: full + partial, counted in TLB "
          "indexes; median over rounds)")
    width = max(len(w) for w in workloads)
    print(f"{'workload':<{width}}  " + "  ".join(f"{n:>12}" for n in names))
    for w in workloads:
        cells = []
        for n in names:
            rounds = jit[n][w]
            if len(rounds) != len(seconds[n][w]):  # a round whose monitor did not answer
                rounds = []
            rates = [(d["full"] + d["partial"]) / s
                     for d, s in zip(rounds, seconds[n][w]) if s > 0]
            cells.append(f"{statistics.median(rates):>12.0f}" if rates else f"{'-':>12}")
        print(f"{w:<{width}}  " + "  ".join(cells))


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
        rates["all"] = statistics.median(sum(exits_only(r).values()) / s
                                         for r, s in zip(rounds, seconds[w]) if s > 0)
        print(f"{w:<{width}}  " + "  ".join(f"{rates[k]:>12.0f}" for k in kinds + ["all"]))


class System:
    """One way of booting the guest: a name, a QEMU command and, if its console needs
    it, what to type after boot to reach the guest and what answers it."""

    def __init__(self, name, cmd, switch_input=None, one_core=False):
        self.name, self.cmd, self.switch_input = name, cmd, switch_input
        self.one_core = one_core


def xen_system(args, workdir):
    """Xen dom0less booting the direct boot's guest, or None (and why) if Xen or its
    tools are not to be had."""
    image, why = xen_dom0less.fetch()
    if image is None:
        print(f"xen: skipped, {why}", flush=True)
        return None
    try:
        cmd = xen_dom0less.command(args.b, image, workdir, args.xen_args)
    except (KeyError, ValueError, OSError, subprocess.CalledProcessError) as e:
        print(f"xen: skipped, no Xen command from the direct boot's ({e})", flush=True)
        return None
    return System("xen", cmd, (xen_dom0less.SWITCH_INPUT, xen_dom0less.INPUT_SWITCHED))


def print_ratios(results, names, base, rounds):
    """Per workload: each system's median and, for every other system, its ratio to
    `base` (the ratio of the medians; the median of the per-round ratios in brackets)."""
    others = [n for n in names if n != base]
    width = max(len(w) for w in results[base])
    print(f"{'workload':<{width}}  " + "  ".join(f"{n + ' s':>10}" for n in names) + "  " +
          "  ".join(f"{n + '/' + base:>22}" for n in others) + "  rounds")
    for w in results[base]:
        meds = {n: statistics.median(results[n][w]) for n in names}
        cells = []
        for n in others:
            pairs = statistics.median(x / y for x, y in zip(results[n][w], results[base][w])
                                      if y > 0)
            cells.append(f"{meds[n] / meds[base]:>10.3f}x ({pairs:.3f}x)")
        print(f"{w:<{width}}  " + "  ".join(f"{meds[n]:>10.3f}" for n in names) + "  " +
              "  ".join(f"{c:>22}" for c in cells) + f"  {rounds}")
    print(f"(X/{base}: ratio of the medians; in brackets the median of the per-round ratios)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_pair_args(ap, "direct", "per boot and per workload")
    ap.add_argument("--rounds", type=int, default=7, help="interleaved rounds of boots")
    ap.add_argument("--idle-seconds", type=int, default=60,
                    help="length of the idle workload (`sleep`), 0 to leave it out")
    ap.add_argument("--board-cores", action="store_true",
                    help="boot command A with its own -smp (the board's cores) instead of "
                    "`-smp 1` appended, the one core the direct boot and Xen have")
    ap.add_argument("--xen", action="store_true",
                    help="also boot the direct boot's guest as a Xen 4.17 dom0less domU "
                    "(Debian's package, fetched once; skipped with a message if it cannot be)")
    ap.add_argument("--xen-args", default=xen_dom0less.DEFAULT_ARGS,
                    help="Xen's command line (default: %(default)s)")
    args = ap.parse_args()
    # Killed: leave through the QEMUs' context managers, which end them (each in its own
    # session, so the signal does not reach them).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args.b = fill_guest_ram(args.b, args.report, ap)
    workloads = list(WORKLOADS)
    if args.idle_seconds > 0:
        workloads.append((f"idle {args.idle_seconds} s", f"sleep {args.idle_seconds}"))
    workdir = tempfile.mkdtemp(prefix="bench_workload.")
    systems = [System(args.a_name, args.a if args.board_cores else f"{args.a} -smp 1",
                      one_core=not args.board_cores), System(args.b_name, args.b)]
    if args.xen and (xen := xen_system(args, workdir)) is not None:
        systems.append(xen)
    names = [s.name for s in systems]
    for s in systems:
        print(f"{s.name}: {s.cmd}")
    print(f"all pinned to host CPU {args.cpu}; {args.rounds} rounds, the order rotated "
          f"each round\n{BOOT}: host wall time from QEMU's start to {args.marker!r}\n"
          "workloads, typed on the guest's shell in each boot, in this order "
          "(figures: guest seconds from /proc/uptime; in brackets host wall seconds, "
          "QEMU's host CPU seconds and the host CPU's stolen seconds):", flush=True)
    for i, (name, command) in enumerate(workloads):
        print(f"  {name}: {timed_line(i, command)}")

    rows = [BOOT] + [w for w, _ in workloads]
    results = {n: {w: [] for w in rows} for n in names}  # guest seconds
    cpu = {n: {w: [] for w in rows} for n in names}      # QEMU's host CPU seconds
    own = {n: {w: [] for w in rows} for n in names}      # ... less the host kernel's part
    exits = {n: {} for n in names}
    jit = {n: {} for n in names}
    stolen_spans = []  # spans whose host CPU was stolen for more than 5% of their time
    for r in range(args.rounds):
        for system in systems[r % len(systems):] + systems[:r % len(systems)]:
            outcome = one_boot(system, args.cpu, args.marker, args.timeout, workloads,
                               os.path.join(workdir, "monitor.sock"))
            if isinstance(outcome, str):
                print(f"round {r + 1} {system.name}: {outcome}", flush=True)
                return 1
            times, boot_exits, boot_jit = outcome
            for w, counts in boot_jit.items():
                jit[system.name].setdefault(w, []).append(counts)
            for w, (guest, wall, used, stolen, kernel) in times.items():
                if stolen > 0.05 * wall:
                    stolen_spans.append(f"round {r + 1} {system.name} {w}: {stolen:.2f} of "
                                        f"{wall:.2f} s")
                results[system.name][w].append(guest)
                cpu[system.name][w].append(used)
                own[system.name][w].append(used - kernel)
            for w, counts in boot_exits.items():
                exits[system.name].setdefault(w, []).append(counts)
            print(f"round {r + 1} {system.name}: " + ", ".join(
                f"{w} {g:.2f} ({h:.2f}, cpu {c:.2f}, host kernel {k:.2f}, stolen {t:.2f})"
                for w, (g, h, c, t, k) in times.items()),
                flush=True)

    print("\nguest seconds (the boot: host wall time)")
    print_ratios(results, names, args.b_name, args.rounds)
    print("\nhost CPU seconds of each QEMU (all its threads) over the same spans: what a "
          "loaded host's other processes do not inflate")
    print_ratios(cpu, names, args.b_name, args.rounds)
    print("\nthe same less the host kernel's part (its page faults: on a host that is itself a "
          "virtual machine\nfresh memory costs unevenly, and touch and the idle minute's zeroing "
          "are mostly that)")
    print_ratios(own, names, args.b_name, args.rounds)
    # Only complete sets of rounds: a round whose monitor read failed has no entry.
    a = args.a_name
    complete = {w: v for w, v in exits[a].items() if len(v) == len(results[a][w])}
    print_exit_rates(a, complete, results[a])
    print_jit_rates(jit, results, names)
    if stolen_spans:
        print("\nthe host CPU was stolen (its own hypervisor ran something else) for more than "
              "5% of these spans; their figures measure that too:\n  " + "\n  ".join(stolen_spans))
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
