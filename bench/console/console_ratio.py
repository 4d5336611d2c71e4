#!/usr/bin/env python3
"""Console throughput: how fast a guest writes to its console through the SerialServer
(hvc0) against the same guest writing to the PL011 passed through to it (ttyAMA0).

Each round boots both images (in alternating order), waits for the guest's shell, makes a
~190 KB file of text and writes it to the shell's own tty (`cat /tmp/p > $(tty)`), timed
by the guest (/proc/uptime, 10 ms steps) and reported as bytes/s; the console output is
read and thrown away. Each QEMU is pinned to one host CPU (bench/common/guest_console.py).
With --icount, QEMU runs with `-icount shift=0`: one guest nanosecond per instruction, so
the guest's timing counts instructions, printed per character. Figures only: nothing is
asserted.
"""
import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "common"))
from guest_console import PinnedQemu, interleaved  # noqa: E402

MAKE = "seq 1 30000 | sed 's/$/ console throughput/' > /tmp/p"
RUN = ("read a x < /proc/uptime; cat /tmp/p > $(tty); read b x < /proc/uptime; "
       "echo \"CONSOLE-RESULT $(wc -c < /tmp/p) $a $b $(tty)\"")


def one(image, qemu, cpu):
    q = PinnedQemu(f"{qemu} -kernel {image}", cpu)
    try:
        if q.expect(r"# ", 120) is None:
            return None
        q.send(MAKE)
        q.send(RUN)
        m = q.expect(r"CONSOLE-RESULT (\d+) ([\d.]+) ([\d.]+) (/dev/\S+)\r?\n", 300)
        if m is None:
            return None
        size, t0, t1 = int(m.group(1)), float(m.group(2)), float(m.group(3))
        return size / max(t1 - t0, 0.01), m.group(4).decode()
    finally:
        q.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--serial-server", required=True)
    ap.add_argument("--passthrough", required=True)
    ap.add_argument("--cpu", type=int, default=0)
    ap.add_argument("--icount", action="store_true",
                    help="count instructions (-icount shift=0) instead of timing")
    args = ap.parse_args()
    if args.icount:
        args.qemu += " -icount shift=0"
    paths = {"SerialServer": args.serial_server, "PL011 passthrough": args.passthrough}
    rates = {k: [] for k in paths}
    ttys = {}
    for r, name, res in interleaved(paths, args.rounds, lambda p: one(p, args.qemu, args.cpu)):
        if res is None:
            print(f"round {r}: {name}: no result")
            continue
        rates[name].append(res[0])
        ttys[name] = res[1]
        print(f"round {r}: {name} ({res[1]}): {res[0]:,.0f} bytes/s")
    print("console throughput (median of rounds, bytes/s a guest writes to its console):")
    for name, values in rates.items():
        if values:
            rate = statistics.median(values)
            print(f"  {name:<18} {ttys.get(name, '?'):<12} {rate:>12,.0f}"
                  + (f"  ({1e9 / rate:,.0f} instructions per character)" if args.icount else ""))
    if rates["SerialServer"] and rates["PL011 passthrough"]:
        ratio = statistics.median(rates["SerialServer"]) / statistics.median(
            rates["PL011 passthrough"])
        print(f"  ratio SerialServer / passthrough: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
