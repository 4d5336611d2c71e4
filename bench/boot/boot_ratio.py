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
import re
import selectors
import signal
import statistics
import subprocess
import sys
import time


def time_to_marker(cmd, marker, timeout, cpu):
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True,
                            preexec_fn=lambda: os.sched_setaffinity(0, {cpu}))
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    pat = re.compile(marker.encode())
    seen = b""
    try:
        while time.monotonic() - start < timeout:
            if not sel.select(timeout=0.5):
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            seen = seen[-4096:] + chunk
            if pat.search(seen):
                return time.monotonic() - start
        return None
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def guest_ram_mib(report):
    with open(report, encoding="utf-8") as f:
        for line in f:
            m = re.search(r"\bguest-ram\b.*?\s(\d+) MiB", line)
            if m:
                return int(m.group(1))
    raise SystemExit(f"{report}: no guest-ram line in the system report")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--a", required=True, help="command A (shell words), e.g. Bulkhead's run.sh")
    ap.add_argument("--b", required=True, help="command B, e.g. the direct boot")
    ap.add_argument("--a-name", default="bulkhead")
    ap.add_argument("--b-name", default="native")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--marker", default="BULKHEAD-GUEST-READY")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--report", help="system report giving the guest's RAM for {guest_ram_mib}")
    ap.add_argument("--cpu", type=int, default=max(os.sched_getaffinity(0)),
                    help="host CPU both commands run on")
    args = ap.parse_args()
    if "{guest_ram_mib}" in args.b:
        if not args.report:
            ap.error("command B uses {guest_ram_mib}: give --report")
        args.b = args.b.replace("{guest_ram_mib}", str(guest_ram_mib(args.report)))
    print(f"A ({args.a_name}): {args.a}\nB ({args.b_name}): {args.b}\n"
          f"both pinned to host CPU {args.cpu}", flush=True)

    results = {args.a_name: [], args.b_name: []}
    for i in range(args.runs):
        for name, cmd in ((args.a_name, args.a), (args.b_name, args.b)):
            t = time_to_marker(["sh", "-c", cmd], args.marker, args.timeout, args.cpu)
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
