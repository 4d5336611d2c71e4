#!/usr/bin/env python3
"""An image's board record against the board's DTB: what `bulkhead_image inspect` says the
kernel will drive (GIC frames, console UART kind, base, register shift and SPI, RAM, CPUs)
must be what the board DTB describes, and the image must map the guest's GICC onto the GICV
frame (GICv2; a GICv3 guest's CPU interface is system registers) and its RAM where the board
has RAM. Catches a board.cpp that disagrees with its board.

With --boot-image, the image's arm64 boot Image (.img) too: U-Boot's booti moves it to the
2 MiB-aligned start of the board's first RAM bank (the DTB's lowest memory address) plus the
header's text_offset and branches through the header's first word; that must land on the
kernel's entry.

usage: board_image_check.py <bulkhead_image> <image.elf> <board dtb> [--boot-image <image.img>]
"""
import re
import struct
import subprocess
import sys

# Per GIC version, how many of its DTB node's reg entries are the frames the board record
# names (v2: GICD, GICC, GICH, GICV; v3: GICD, the redistributors).
GIC_FRAMES = {2: 4, 3: 2}


def compatibles(inspector):
    """The DT compatibles of each console kind's UART and each GIC version's node, as the tool
    knows them (`bulkhead_image compatibles`: image/dt_compatibles.hpp)."""
    out = subprocess.run([inspector, "compatibles"], check=True, capture_output=True,
                         text=True).stdout
    table = {"console": {}, "gic": {}}
    for line in out.splitlines():
        what, key, *names = line.split()
        table[what][int(key) if what == "gic" else key] = tuple(names)
    if not table["console"] or not table["gic"]:
        sys.exit("FAIL: `bulkhead_image compatibles` printed no table:\n" + out)
    return table["console"], table["gic"]


def parse_dts(text):
    """Nodes as {path: {prop: raw value}}, with each node's parent's #address/#size-cells."""
    nodes, stack = {}, []
    for line in text.splitlines():
        line = line.strip()
        if m := re.match(r"(?:[\w-]+: )?([^\s{}]+) \{$", line):
            name = m[1]
            path = "/" if name == "/" else (stack[-1] if stack else "") .rstrip("/") + "/" + name
            stack.append(path)
            nodes[path] = {}
        elif line == "};":
            stack.pop()
        elif stack and (m := re.match(r"([#\w,.+-]+)(?: = (.*))?;$", line)):
            nodes[stack[-1]][m[1]] = m[2] or ""
    return nodes


def cells(raw):
    return [int(c, 16) for c in re.findall(r"0x[0-9a-f]+", raw or "")]


def strings(raw):
    return re.findall(r'"([^"]*)"', (raw or "").replace("\\0", '" "'))


def parent(path):
    return path.rsplit("/", 1)[0] or "/"


def address_cells(nodes, path):
    n = nodes[path]
    return (cells(n.get("#address-cells", "<0x02>"))[0], cells(n.get("#size-cells", "<0x01>"))[0])


def number(c):
    return sum(v << (32 * (len(c) - 1 - k)) for k, v in enumerate(c))


def translate(nodes, path, addr):
    """A bus address of the node at `path` as the CPU sees it, through each bus's `ranges`."""
    bus = parent(path)
    while bus != "/":
        raw = nodes[bus].get("ranges")
        if raw:  # absent or empty: identity
            cac, csc = address_cells(nodes, bus)
            pac, _ = address_cells(nodes, parent(bus))
            c, step = cells(raw), cac + pac + csc
            for i in range(0, len(c) - step + 1, step):
                child, par = number(c[i:i + cac]), number(c[i + cac:i + cac + pac])
                size = number(c[i + cac + pac:i + step])
                if child <= addr < child + size:
                    addr = par + (addr - child)
                    break
        bus = parent(bus)
    return addr


def regs(nodes, path):
    """The node's reg entries as CPU physical (address, size)."""
    ac, sc = address_cells(nodes, parent(path))
    c, out = cells(nodes[path].get("reg")), []
    step = ac + sc
    for i in range(0, len(c) - step + 1, step):
        out.append((translate(nodes, path, number(c[i:i + ac])), number(c[i + ac:i + step])))
    return out


def boot_image_errors(path, memory, entry):
    """Where booti would run the .img at `path` on a board with RAM banks `memory`."""
    with open(path, "rb") as f:
        header = f.read(64)
    code0, _, text_offset, image_size, flags = struct.unpack_from("<IIQQQ", header)
    if len(header) < 64 or header[56:60] != b"ARM\x64":
        return [f"{path}: no arm64 Image header"]
    if flags & (1 << 3):
        return [f"{path}: flags 0x{flags:x} let the loader place it anywhere"]
    if code0 >> 26 != 0b000101:
        return [f"{path}: first word 0x{code0:08x} is not a branch"]
    dest = ((min(a for a, _ in memory) + (1 << 21) - 1) & ~((1 << 21) - 1)) + text_offset
    lands = dest + 4 * (code0 & 0x3ffffff)
    if lands != entry:
        return [f"{path}: booti runs it at 0x{dest:x} (first RAM bank + text_offset "
                f"0x{text_offset:x}), its branch lands on 0x{lands:x}, the kernel's entry is "
                f"0x{entry:x}"]
    return []


def main(inspector, image, dtb, boot_image=None):
    inspect = subprocess.run([inspector, "inspect", image], check=True, capture_output=True,
                             text=True).stdout
    m = re.search(r"^board ram 0x([0-9a-f]+)\.\.0x([0-9a-f]+), gic v(\d+) gicd 0x([0-9a-f]+) "
                  r"gicc 0x([0-9a-f]+) gich 0x([0-9a-f]+) gicv 0x([0-9a-f]+) gicr 0x([0-9a-f]+), "
                  r"console (\w+) at 0x([0-9a-f]+) shift (\d+) irq (\d+), (\d+) CPUs$", inspect, re.M)
    if not m:
        sys.exit("FAIL: no board line in\n" + inspect)
    ram = (int(m[1], 16), int(m[2], 16))
    version = int(m[3])
    frames = [int(m[i], 16) for i in range(4, 9)]
    gic = frames[:4] if version == 2 else [frames[0], frames[4]]
    kind, base, shift, irq, cpus = m[9], int(m[10], 16), int(m[11]), int(m[12]), int(m[13])
    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", dtb], check=True,
                         capture_output=True, text=True).stdout
    nodes = parse_dts(dts)
    console_compatibles, gic_compatibles = compatibles(inspector)
    errors = []

    gics = [p for p, n in nodes.items()
            if set(strings(n.get("compatible"))) & set(gic_compatibles.get(version, ()))]
    if not gics:
        errors.append(f"the DTB has no GICv{version}")
    elif [a for a, _ in regs(nodes, gics[0])[:GIC_FRAMES[version]]] != gic:
        errors.append(f"GIC frames {list(map(hex, gic))}, DTB {gics[0]} has "
                      f"{[hex(a) for a, _ in regs(nodes, gics[0])[:GIC_FRAMES[version]]]}")
    elif version == 3 and cpus * 0x20000 > regs(nodes, gics[0])[1][1]:
        errors.append(f"{cpus} redistributors, DTB {gics[0]} has room for "
                      f"{regs(nodes, gics[0])[1][1] // 0x20000}")

    uarts = [p for p, n in nodes.items() if regs(nodes, p)[:1] and regs(nodes, p)[0][0] == base
             and "compatible" in n]
    if not uarts:
        errors.append(f"console at {hex(base)}: no DTB node has its registers there")
    else:
        n = nodes[uarts[0]]
        if not set(strings(n.get("compatible"))) & set(console_compatibles.get(kind, ())):
            errors.append(f"console kind {kind}, DTB {uarts[0]} is {strings(n.get('compatible'))}")
        if shift != (cells(n.get("reg-shift"))[:1] or [0])[0]:
            errors.append(f"console register shift {shift}, DTB {uarts[0]} says {n.get('reg-shift')}")
        spi = cells(n.get("interrupts"))
        if len(spi) < 2 or spi[0] != 0 or spi[1] + 32 != irq:
            errors.append(f"console IRQ {irq}, DTB {uarts[0]} has interrupts {n.get('interrupts')}")

    memory = [r for p, n in nodes.items() if n.get("device_type") == '"memory"' for r in regs(nodes, p)]
    if not any(a <= ram[0] and ram[1] <= a + s for a, s in memory):
        errors.append(f"RAM {hex(ram[0])}..{hex(ram[1])} is not in the DTB's memory {memory}")
    dt_cpus = [p for p, n in nodes.items() if n.get("device_type") == '"cpu"']
    if cpus > len(dt_cpus):
        errors.append(f"{cpus} CPUs, the DTB has {len(dt_cpus)}")

    # The guest's GICC is the GICV frame; its RAM is the board's.
    if version == 2 and not re.search(rf"map 0x[0-9a-f]+\.\.0x[0-9a-f]+ -> 0x{gic[3]:x} rw", inspect):
        errors.append(f"no guest mapping of the GICV frame 0x{gic[3]:x}")
    for g in re.finditer(r"map 0x([0-9a-f]+)\.\.0x([0-9a-f]+) -> 0x([0-9a-f]+) rwx", inspect):
        phys, size = int(g[3], 16), int(g[2], 16) - int(g[1], 16)
        if not (ram[0] <= phys and phys + size <= ram[1]):
            errors.append(f"guest RAM at 0x{phys:x} (+0x{size:x}) is outside the board's RAM")
    if boot_image:
        entry = re.search(r"kernel entry 0x([0-9a-f]+)", inspect)
        errors += boot_image_errors(boot_image, memory, int(entry[1], 16))
    if errors:
        sys.exit("FAIL:\n  " + "\n  ".join(errors) + "\n--- inspect\n" + inspect)
    print(f"ok: {m[0]}")


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) == 5 and args[3] == "--boot-image":
        main(*args[:3], boot_image=args[4])
    elif len(args) == 3:
        main(*args)
    else:
        sys.exit(__doc__)
