#!/usr/bin/env python3
"""Echo round trips per second: one guest program against PingClient under Bulkhead versus
the same program against QEMU's own virtio-net-pci with user networking on a direct boot.

The program is guest/net_echo's echo_rate: ICMP echo requests through a raw socket, one at
a time (the next once the reply is in), timed in the guest on CLOCK_MONOTONIC. Command A
boots Bulkhead's ping image (the guest's virtio-net answered by PingClient over two
virtqueues, target 192.168.1.2); command B boots the same kernel directly with a guest image
that carries the same program and a virtio-net-pci device on QEMU's user network (slirp
answers echo requests to its gateway 10.0.2.2 itself). Each round boots A and B (the order
reversed every other round), each QEMU pinned to one host CPU; in each boot a warm-up batch
(ARP, caches) and then --count round trips. Prints every figure, the medians and the ratio
A/B (above 1.0: Bulkhead does more round trips per second). Nothing is asserted.
"""
import argparse
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from guest_console import PinnedQemu, add_pair_args, fill_guest_ram, interleaved  # noqa: E402

RESULT = r"ECHO-RESULT (\d+) (\d+) (\d+)\r?\n"


def rate(cmd, target, count, cpu, marker, timeout):
    """Round trips per second in one boot of `cmd`, or a string saying what went wrong."""
    with PinnedQemu(cmd, cpu) as q:
        if not q.expect(marker, timeout):
            return "no userspace marker"
        q.send("echo ECHO-READY-$((6*7))")
        if not q.expect(r"ECHO-READY-42", timeout):
            return "no shell"
        q.send(f"echo_rate {target} 50")  # warm-up: ARP, the first frames
        if not q.expect(RESULT, timeout):
            return "warm-up did not finish"
        q.send(f"echo_rate {target} {count}")
        m = q.expect(RESULT, timeout)
        if not m:
            return "no result"
        answered, sent, ns = (int(g) for g in m.groups())
        if answered != sent or ns == 0:
            return f"{sent - answered} of {sent} echoes unanswered"
        return answered / (ns / 1e9)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_pair_args(ap, "direct+user-net", "per boot and per batch")
    ap.add_argument("--a-target", default="192.168.1.2", help="echo target in A (PingClient)")
    ap.add_argument("--b-target", default="10.0.2.2", help="echo target in B (slirp's gateway)")
    ap.add_argument("--count", type=int, default=2000, help="round trips per measured batch")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    args.b = fill_guest_ram(args.b, args.report, ap)
    sides = {args.a_name: (args.a, args.a_target), args.b_name: (args.b, args.b_target)}
    rates = {args.a_name: [], args.b_name: []}
    print(f"echo round trips per second, {args.count} per batch, {args.rounds} rounds, "
          f"host CPU {args.cpu}", flush=True)
    for r, name, result in interleaved(
            sides, args.rounds,
            lambda side: rate(side[0], side[1], args.count, args.cpu, args.marker, args.timeout)):
        if isinstance(result, str):
            print(f"round {r}: {name}: FAILED: {result}", flush=True)
            continue
        rates[name].append(result)
        print(f"round {r}: {name}: {result:.0f} round trips/s", flush=True)
    if not rates[args.a_name] or not rates[args.b_name]:
        print("no ratio: a side has no figure")
        return 1
    a, b = (statistics.median(rates[n]) for n in (args.a_name, args.b_name))
    print(f"median: {args.a_name} {a:.0f}/s, {args.b_name} {b:.0f}/s, ratio {args.a_name}/"
          f"{args.b_name} {a / b:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
