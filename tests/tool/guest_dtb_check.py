#!/usr/bin/env python3
"""The guest DTB a VM of an image would boot, built on the host and re-parsed: `bulkhead_image
guest-dtb` runs the VMM's own DTB builder over the board DTB with the VM's configuration from
the image; dtc must read the result back, and it must show what the configuration says (guest
RAM as the only memory, the VM's vCPUs, the GIC at the guest's frames, psci over hvc, /chosen
with the bootargs and a stdout-path that exists, every passed-through node as the board has
it) and nothing of the board the VM was not given.

usage: guest_dtb_check.py <bulkhead_image> <image.elf> <vm> <board dtb> <out.dtb>
                          [--ram BASE:SIZE]   (what the app's devices.camkes asks, as a check
                                               on the configuration itself)
"""
import argparse
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from board_image_check import parse_dts, regs, strings, parent  # noqa: E402

# Root nodes a guest DTB may have besides the passed-through and kept ones and their buses.
ALWAYS = {"chosen", "aliases", "cpus", "psci"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tool")
    ap.add_argument("image")
    ap.add_argument("vm")
    ap.add_argument("board_dtb")
    ap.add_argument("out")
    ap.add_argument("--ram")
    a = ap.parse_args()
    run = subprocess.run([a.tool, "guest-dtb", a.image, a.vm, a.board_dtb, a.out],
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"FAIL: bulkhead_image guest-dtb: {run.stderr.strip()}")
    facts = run.stdout
    m = re.search(r"^ram 0x([0-9a-f]+) 0x([0-9a-f]+) gicd 0x([0-9a-f]+) gicc 0x([0-9a-f]+) "
                  r"vcpus (\d+)$", facts, re.M)
    ram = (int(m[1], 16), int(m[2], 16))
    gicd, gicc, vcpus = int(m[3], 16), int(m[4], 16), int(m[5])
    stdout = re.search(r"^stdout (.*)$", facts, re.M)[1]
    bootargs = re.search(r"^bootargs (.*)$", facts, re.M)[1]
    passthrough = re.findall(r"^passthrough (.*)$", facts, re.M)
    keep = re.findall(r"^keep (.*)$", facts, re.M)

    def nodes_of(path):
        return parse_dts(subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", path], check=True,
                                        capture_output=True, text=True).stdout)

    guest, board = nodes_of(a.out), nodes_of(a.board_dtb)
    errors = []
    if a.ram:
        want = tuple(int(x, 0) for x in a.ram.split(":"))
        if ram != want:
            errors.append(f"the image's VM has RAM {hex(ram[0])}+{hex(ram[1])}, "
                          f"the app asks for {hex(want[0])}+{hex(want[1])}")
    memory = [r for p, n in guest.items() if n.get("device_type") == '"memory"'
              for r in regs(guest, p)]
    if memory != [ram]:
        errors.append(f"memory is {[(hex(x), hex(y)) for x, y in memory]}, "
                      f"expected guest RAM {hex(ram[0])}+{hex(ram[1])}")
    cpus = [p for p, n in guest.items() if n.get("device_type") == '"cpu"']
    if len(cpus) != vcpus:
        errors.append(f"{len(cpus)} cpu nodes, the VM has {vcpus} vCPUs")
    gics = [p for p, n in guest.items() if "interrupt-controller" in n and parent(p) != "/cpus"
            and any("gic" in c for c in strings(n.get("compatible")))]
    if len(gics) != 1:
        errors.append(f"GIC nodes: {gics}, expected one")
    elif [x for x, _ in regs(guest, gics[0])] != [gicd, gicc]:
        errors.append(f"GIC {gics[0]} reg {[hex(x) for x, _ in regs(guest, gics[0])]}, "
                      f"expected the guest's GICD {hex(gicd)} and GICC {hex(gicc)}")
    if strings(guest.get("/psci", {}).get("method")) != ["hvc"]:
        errors.append(f"psci method {guest.get('/psci', {}).get('method')}, expected hvc")
    chosen = guest.get("/chosen", {})
    if strings(chosen.get("bootargs")) != [bootargs]:
        errors.append(f"bootargs {chosen.get('bootargs')}, expected {bootargs!r}")
    if stdout:
        path = strings(chosen.get("stdout-path"))[:1]
        if path != [stdout] or stdout.split(":")[0] not in guest:
            errors.append(f"stdout-path {chosen.get('stdout-path')}: expected {stdout!r}, "
                          "a node the guest has")
    for p in passthrough:
        if p not in guest:
            errors.append(f"passed-through {p} is missing")
        elif regs(guest, p) != regs(board, p):
            errors.append(f"passed-through {p} reg changed: {regs(guest, p)} vs {regs(board, p)}")
    given = passthrough + [k for k in keep if k in board] + gics
    for p in guest:
        top = p.split("/")[1] if p != "/" else ""
        if p == "/" or parent(p) != "/" or top.split("@")[0] in ALWAYS or \
                guest[p].get("device_type") == '"memory"':
            continue
        if any(g == p or g.startswith(p + "/") for g in given):
            continue
        comp = strings(guest[p].get("compatible"))
        if "#clock-cells" in guest[p] or any("timer" in c for c in comp):
            continue  # clocks of passed-through devices, the architected timer
        errors.append(f"{p} is in the guest DTB but the VM was not given it")
    if errors:
        print("\n".join("FAIL: " + e for e in errors))
        sys.exit(1)
    print(f"ok: {a.out}: RAM {hex(ram[0])}+{hex(ram[1])}, {vcpus} vCPU(s), GIC {gics[0]}, "
          f"{len(passthrough)} passed-through node(s), stdout {stdout or '-'}")


if __name__ == "__main__":
    main()
