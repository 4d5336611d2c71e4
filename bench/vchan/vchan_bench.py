#!/usr/bin/env python3
"""Cross-VM figures: vchan throughput (MB/s) and instructions per KiB, and the cross-VM
event round trip guest -> native component -> guest in instructions.

vchan: vm_vchan's guest runs `vchan_guest /dev/uio0 exchange 1048576` against VchanClient
(1 MiB each way at once, through the Vchan component) and prints the counter ticks the
transfer took: "verified" with both ends making the pattern and CRC-32s (vm_vchan), and
"transport" with neither (`exchange 1048576 raw` against variant vm_vchan_raw). Booted plainly, the guest's counter follows the host's clock: 2 MiB moved
over that time is the throughput (MB = 10^6 bytes; QEMU's TCG, so a relative figure).
Booted with -icount shift=0 the clock advances one nanosecond per instruction executed (by
any part of the system: guest, kernel, VMM, Vchan, VchanClient), so the same ticks are the
instructions the whole system spent; divided by the 2048 KiB moved.

Event round trip: vm_cross_connector's guest runs `event_round_trip /dev/uio0 N` (doorbell,
CrossvmInit answers with its event, the guest sleeps in uio until the interrupt and
acknowledges it) for two N in the same boot under -icount shift=0; the difference divided
by the difference in N takes out the fixed cost. Figures only: nothing is asserted.
"""
import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "common"))
from guest_console import PinnedQemu, default_cpu  # noqa: E402

BYTES = 1 << 20
EXCHANGE = r"vchan_guest: sent (\d+) bytes, crc (\S+). received (\d+) bytes, crc (\S+). (\d+) ticks at (\d+) Hz"
ROUND_TRIPS = r"event_round_trip: (\d+) round trips in (\d+) ticks at (\d+) Hz"
SMALL, LARGE = 100, 1100


def vchan_runs(qemu, image, cpu, runs, raw):
    """Seconds (counter time) per 1 MiB-each-way exchange, `runs` of them in one boot."""
    q = PinnedQemu(f"{qemu} -kernel {image}", cpu)
    try:
        if q.expect(r"vchan link ready", 600) is None or q.expect(r"# ", 60) is None:
            return []
        out = []
        for _ in range(runs):
            q.send(f"vchan_guest /dev/uio0 exchange {BYTES}" + (" raw" if raw else ""))
            m = q.expect(EXCHANGE, 600)
            if m is None or int(m.group(1)) != BYTES or int(m.group(3)) != BYTES:
                break
            out.append(int(m.group(5)) / int(m.group(6)))
        return out
    finally:
        q.close()


def round_trips(qemu, image, cpu):
    """Instructions per event round trip, or None."""
    q = PinnedQemu(f"{qemu} -kernel {image}", cpu)
    try:
        if q.expect(r"Finished crossvm test script", 600) is None or q.expect(r"# ", 60) is None:
            return None
        ns = {}
        for n in (SMALL, LARGE):
            q.send(f"event_round_trip /dev/uio0 {n}")
            m = q.expect(ROUND_TRIPS, 600)
            if m is None:
                return None
            ns[n] = int(m.group(2)) * 1e9 / int(m.group(3))
        return (ns[LARGE] - ns[SMALL]) / (LARGE - SMALL)
    finally:
        q.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qemu", required=True, help="QEMU command without -kernel or -icount")
    ap.add_argument("--vchan", required=True, help="vm_vchan's image")
    ap.add_argument("--raw", required=True, help="vm_vchan_raw's image")
    ap.add_argument("--cross", required=True, help="vm_cross_connector's image")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cpu", type=int, default=default_cpu())
    args = ap.parse_args()
    icount = args.qemu + " -icount shift=0"
    moved = 2 * BYTES

    for name, image, raw in (("verified", args.vchan, False), ("transport", args.raw, True)):
        seconds = vchan_runs(args.qemu, image, args.cpu, args.runs, raw)
        for s in seconds:
            print(f"vchan {name}: 1 MiB each way in {s * 1e3:.1f} ms: {moved / s / 1e6:.1f} MB/s")
        if seconds:
            print(f"vchan {name}: median {moved / statistics.median(seconds) / 1e6:.1f} MB/s "
                  f"({len(seconds)} runs, both directions counted)")
        instructions = [s * 1e9 for s in vchan_runs(icount, image, args.cpu, args.runs, raw)]
        for i in instructions:
            print(f"vchan {name}: 1 MiB each way in {i:,.0f} instructions: "
                  f"{i / (moved / 1024):,.0f} per KiB")
        if instructions:
            print(f"vchan {name}: median {statistics.median(instructions) / (moved / 1024):,.0f} "
                  f"instructions per KiB moved ({len(instructions)} runs, -icount shift=0)")

    rt = round_trips(icount, args.cross, args.cpu)
    if rt is None:
        print("crossvm event round trip: no result")
    else:
        print(f"crossvm event round trip guest -> CrossvmInit -> guest: {rt:,.0f} instructions "
              f"({LARGE} - {SMALL} round trips, -icount shift=0)")


if __name__ == "__main__":
    main()
