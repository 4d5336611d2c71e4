#!/usr/bin/env python3
"""Echo round trips per second: one guest program against PingClient under Bulkhead versus
the same program against QEMU's own virtio-net-pci with user networking on a direct boot.

The program is guest/net_echo's echo_rate: ICMP echo requests through a raw socket, one at
a time (the next once the reply is in), timed in the guest on CLOCK_MONOTONIC. Command A
boots Bulkhead's ping image (the guest's virtio-net answered by PingClient over two
virtqueues, target 192.168.1.2; the bench uses vm_echo_ping_quiet, where PingClient prints
a summary only: upstream's per-packet printing goes to the console one UART character at
a time and would measure that); command B boots the same kernel directly with a guest
image that carries the same program and a virtio-net-pci device on QEMU's user network
(slirp answers echo requests to its gateway 10.0.2.2 itself). Each round boots A and B
(the order reversed every other round), each QEMU pinned to one host CPU; in each boot the
guest's random number generator is made ready first, then a warm-up batch (ARP, caches)
and --count round trips.

The random number generator: a direct boot gets a fresh rng-seed from QEMU's DTB, a
Bulkhead guest none (docs/VMM.md), and until Linux's CRNG is ready every random number it
takes (at least one per packet sent) costs a full entropy extraction, about 20,000
instructions. `head -c1 /dev/random` makes Linux generate its own timer-jitter entropy
until the CRNG is ready (at once in the direct boot); the time it took is printed.

With --stages PLUGIN (bench/net/stage_count_plugin.cpp), one more boot of each side under
-icount shift=0 counts the instructions per round trip, for 98-byte and 1514-byte frames,
by where the code lives: the kernel (guest exits, IPC, scheduling), each native component
(the VMM `vm`: device emulation and its ends of the rings; `ping_client`: its ends and the
echo), the guest's kernel and its user space. Prints every figure, the medians and the ratio A/B (above 1.0: Bulkhead does
more round trips per second). Nothing is asserted.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from guest_console import PinnedQemu, add_pair_args, fill_guest_ram, interleaved  # noqa: E402

RESULT = r"ECHO-RESULT (\d+) (\d+) (\d+)\r?\n"
SEED = "head -c1 /dev/random >/dev/null; echo ECHO-SEEDED-$((6*7))"


def prepare(q, target, marker, timeout):
    """Boots to the shell, readies the CRNG and warms up; the seconds the CRNG took, or a
    string saying what went wrong."""
    if not q.expect(marker, timeout):
        return "no userspace marker"
    q.send("echo ECHO-READY-$((6*7))")
    if not q.expect(r"ECHO-READY-42", timeout):
        return "no shell"
    start = time.monotonic()
    q.send(SEED)
    if not q.expect(r"ECHO-SEEDED-42", 300):
        return "the guest's CRNG did not get ready"
    seeded = time.monotonic() - start
    q.send(f"echo_rate {target} 50")  # warm-up: ARP, the first frames
    if not q.expect(RESULT, timeout):
        return "warm-up did not finish"
    return seeded


def rate(cmd, target, count, cpu, marker, timeout):
    """(round trips per second, seconds the CRNG took) in one boot of `cmd`, or a string
    saying what went wrong."""
    with PinnedQemu(cmd, cpu) as q:
        seeded = prepare(q, target, marker, timeout)
        if isinstance(seeded, str):
            return seeded
        q.send(f"echo_rate {target} {count}")
        m = q.expect(RESULT, timeout)
        if not m:
            return "no result"
        answered, sent, ns = (int(g) for g in m.groups())
        if answered != sent or ns == 0:
            return f"{sent - answered} of {sent} echoes unanswered"
        return answered / (ns / 1e9), seeded


def stage_map(cmd, path):
    """The plugin's map for `cmd`: for a Bulkhead image (-kernel <x>.elf) the kernel and
    each domain's code from `bulkhead_image inspect`, the guest's RAM from the report;
    otherwise (a direct boot) all RAM is the guest's."""
    image = re.search(r"-kernel (\S+\.elf)\b", cmd)
    lines = []
    if image:
        tool = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(image.group(1)))),
                            "tools", "image", "bulkhead_image")
        text = subprocess.run([tool, "inspect", image.group(1)], capture_output=True,
                              text=True, check=True).stdout
        entry = int(re.search(r"kernel entry (0x[0-9a-f]+)", text).group(1), 16)
        spec = int(re.search(r"spec at (0x[0-9a-f]+)", text).group(1), 16)
        ram = re.search(r"board ram (0x[0-9a-f]+)", text).group(1)
        lines += [f"ram {ram[2:]} {entry:x}", f"{entry:x} {spec:x} kernel"]
        domain = None
        for line in text.splitlines():
            d = re.match(r"domain \d+ (\S+)", line)
            if d:
                domain = d.group(1)
            m = re.match(r"\s+map (0x[0-9a-f]+)\.\.(0x[0-9a-f]+) -> (0x[0-9a-f]+) r-x", line)
            if m and domain:
                first, end, pa = (int(g, 16) for g in m.groups())
                if domain.endswith("-guest") or first >= 0x40000000:
                    continue  # the guest's RAM: below
                lines.append(f"{pa:x} {pa + end - first:x} {domain}")
        guest = re.search(r"map (0x[0-9a-f]+)\.\.(0x[0-9a-f]+) -> \S+ rwx", text)
        lines.append(f"{guest.group(1)[2:]} {guest.group(2)[2:]} guest")
    else:
        # QEMU's virt machine loads an arm64 Image 2 MiB into RAM and enters it there.
        lines += ["ram 40000000 40200000", "40000000 140000000 guest"]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def snapshot(request, out):
    """The plugin's counts now: {bucket: instructions}, or None."""
    if os.path.exists(out):
        os.unlink(out)
    open(request, "w", encoding="utf-8").close()
    for _ in range(300):
        time.sleep(0.05)
        if os.path.exists(out):
            with open(out, encoding="utf-8") as f:
                text = f.read()
            if text.endswith("end\n"):
                return {k: int(v) for k, v in (l.split() for l in text.splitlines() if l != "end")}
    return None


def stages(cmd, plugin, target, count, cpu, marker, timeout):
    """{payload bytes: {bucket: instructions per round trip}} under -icount shift=0 for
    echoes of 56 bytes (98-byte frames) and 1472 (1514-byte frames), or a string."""
    with tempfile.TemporaryDirectory() as tmp:
        files = {n: os.path.join(tmp, n) for n in ("map", "request", "out")}
        stage_map(cmd, files["map"])
        cmd = (f"{cmd} -icount shift=0 -plugin {plugin},map={files['map']},"
               f"request={files['request']},out={files['out']}")
        figures = {}
        with PinnedQemu(cmd, cpu) as q:
            seeded = prepare(q, target, marker, timeout)
            if isinstance(seeded, str):
                return seeded
            q.expect(r"# ", 10)
            for payload in (56, 1472):
                before = snapshot(files["request"], files["out"])
                q.send(f"echo_rate {target} {count} {payload}")
                m = q.expect(RESULT, timeout)
                q.expect(r"# ", 10)
                after = snapshot(files["request"], files["out"])
                if not m or before is None or after is None:
                    return "no counts"
                figures[payload] = {k: (after[k] - before.get(k, 0)) / count for k in after}
        return figures


def print_stages(name, figures):
    if isinstance(figures, str):
        print(f"{name}: instructions by stage: FAILED: {figures}")
        return
    for payload, buckets in figures.items():
        total = sum(buckets.values())
        parts = ", ".join(f"{k} {v:,.0f}" for k, v in buckets.items() if v >= 1)
        print(f"{name}: {payload + 42}-byte frames: {total:,.0f} instructions per round trip "
              f"({total / 2:,.0f} per frame): {parts}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_pair_args(ap, "direct+user-net", "per boot and per batch")
    ap.add_argument("--a-target", default="192.168.1.2", help="echo target in A (PingClient)")
    ap.add_argument("--b-target", default="10.0.2.2", help="echo target in B (slirp's gateway)")
    ap.add_argument("--count", type=int, default=2000, help="round trips per measured batch")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--stages", help="stage_count plugin: instructions by stage as well")
    args = ap.parse_args()
    args.b = fill_guest_ram(args.b, args.report, ap)
    sides = {args.a_name: (args.a, args.a_target), args.b_name: (args.b, args.b_target)}
    rates = {args.a_name: [], args.b_name: []}
    print(f"echo round trips per second, {args.count} per batch, {args.rounds} rounds, "
          f"host CPU {args.cpu} (load average {os.getloadavg()[0]:.1f})", flush=True)
    for r, name, result in interleaved(
            sides, args.rounds,
            lambda side: rate(side[0], side[1], args.count, args.cpu, args.marker, args.timeout)):
        if isinstance(result, str):
            print(f"round {r}: {name}: FAILED: {result}", flush=True)
            continue
        rates[name].append(result[0])
        print(f"round {r}: {name}: {result[0]:.0f} round trips/s (CRNG ready after "
              f"{result[1]:.1f} s)", flush=True)
    if args.stages:
        for name, (cmd, target) in sides.items():
            print_stages(name, stages(cmd, args.stages, target, 500, args.cpu, args.marker,
                                      args.timeout))
    if not rates[args.a_name] or not rates[args.b_name]:
        print("no ratio: a side has no figure")
        return 1
    a, b = (statistics.median(rates[n]) for n in (args.a_name, args.b_name))
    print(f"median: {args.a_name} {a:.0f}/s, {args.b_name} {b:.0f}/s, ratio {args.a_name}/"
          f"{args.b_name} {a / b:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
