#!/usr/bin/env python3
"""The booted image is the assembly: what `bulkhead --report` says the model holds
(instances, guest RAM and passthrough regions, IRQs) must be what `bulkhead_image inspect`
finds in the image `bulkhead --image` wrote; every kernel object the report lists (each
domain's capability slots) must be in the image under the same domain number, name and
slot; and an attribute changed in a copy of the app must show up in the image made from
the copy (linux_ram_size, shrunk as far as PLATFORM's devices.camkes's layout allows).

usage: image_matches_assembly.py <bulkhead> <bulkhead_image> <root> <platform> <dtb>
         <image.elf> <kernel.elf> <component dir> <workdir> --file n=path ...
       image_matches_assembly.py ... <workdir> --app <assembly>
With --app, the image is that assembly's (an app other than vm_minimal, perhaps without
a guest) and only the first check is made.
"""
import re
import shutil
import subprocess
import sys
from pathlib import Path


def run(*cmd):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"FAIL: {' '.join(map(str, cmd))}\n{r.stdout}{r.stderr}")
    return r.stdout


def model_of(report):
    """Instances, regions and IRQs from the tool's report."""
    section, model = None, {"instances": {}, "regions": [], "irqs": [], "domains": {}}
    domain = None
    for line in report.splitlines():
        if line and not line.startswith(" "):
            section = line.split(" (")[0].strip()
            continue
        if section == "Components" and (m := re.match(r"  (\w+) : (\w+)", line)):
            model["instances"][m[1]] = m[2]
        elif section == "Memory map" and (m := re.match(
                r"  (\w+)  ([\w-]+)  0x([0-9a-f]+)-0x([0-9a-f]+) -> 0x([0-9a-f]+)-0x([0-9a-f]+)", line)):
            model["regions"].append((m[1], m[2], int(m[3], 16), int(m[4], 16), int(m[5], 16),
                                     int(m[6], 16)))
        elif section == "IRQs" and (m := re.match(r"  (\w+)  (\d+) ", line)):
            model["irqs"].append((m[1], int(m[2])))
        elif section == "Kernel objects" and (m := re.match(r"    domain (\d+) (\S+)$", line)):
            domain = model["domains"].setdefault((int(m[1]), m[2]), [])
        elif section == "Kernel objects" and (m := re.match(r"      (slot \d+: [^(]*?)(  \(.*)?$", line)):
            domain.append(m[1])
    return model


def image_of(text):
    """Domains (maps, threads) and IRQs from `bulkhead_image inspect`."""
    domains, irqs, current = {}, [], None
    for line in text.splitlines():
        if m := re.match(r"domain (\d+) (\S+)", line):
            current = domains.setdefault(m[2], {"maps": set(), "threads": 0, "slots": [],
                                                "index": int(m[1])})
        elif m := re.match(r"  (slot \d+: .*)$", line):
            current["slots"].append(m[1])
        elif m := re.match(r"  map 0x([0-9a-f]+)\.\.0x([0-9a-f]+) -> 0x([0-9a-f]+) (\S+)( device)?", line):
            current["maps"].add((int(m[1], 16), int(m[2], 16), int(m[3], 16), m[4], bool(m[5])))
        elif line.startswith("  thread "):
            current["threads"] += 1
        elif m := re.match(r"irq (\d+) ", line):
            irqs.append(int(m[1]))
    return domains, irqs


def check(report, inspect, what):
    model, (domains, irqs) = model_of(report), image_of(inspect)
    errors = []
    if not model["instances"]:
        errors.append("the report lists no instances")
    if "VM" in model["instances"].values() and not model["regions"]:
        errors.append("the report lists a VM but no regions")
    for name, kind in model["instances"].items():
        if domains.get(name, {}).get("threads", 0) != 1:
            errors.append(f"instance {name} ({kind}): no domain '{name}' with one thread")
    if not model["domains"]:
        errors.append("the report lists no kernel objects")
    for (index, name), slots in model["domains"].items():
        got = domains.get(name)
        if got is None or got["index"] != index:
            errors.append(f"report's domain {index} {name} is not domain {index} of the image")
        elif got["slots"] != slots:
            errors.append(f"domain {name}: image slots {got['slots']}, report {slots}")
    expected_guest = {}
    for owner, kind, pbase, pend, gbase, gend in model["regions"]:
        want = (gbase, gend, pbase, "rwx" if kind == "guest-ram" else "rw-", kind == "device")
        expected_guest.setdefault(owner, set()).add(want)
    for owner, maps in expected_guest.items():
        # Passthrough is IPA == PA; the one device page mapped elsewhere is the GICV at
        # the guest's GICC, which the VM lowering adds and the model does not list.
        got = {m for m in domains.get(owner + "-guest", {}).get("maps", set())
               if not (m[4] and m[0] != m[2])}
        if got != maps:
            errors.append(f"guest space of {owner}: image maps {sorted(got)}, model has {sorted(maps)}")
    if sorted(irqs) != sorted(n for _, n in model["irqs"]):
        errors.append(f"IRQs: image {sorted(irqs)}, model {sorted(n for _, n in model['irqs'])}")
    if errors:
        sys.exit(f"FAIL ({what}):\n  " + "\n  ".join(errors) + f"\n--- report\n{report}--- inspect\n{inspect}")
    print(f"ok ({what}): {len(model['instances'])} instances, {len(model['regions'])} regions, "
          f"{len(model['irqs'])} IRQs, {sum(map(len, model['domains'].values()))} capability "
          f"slots in {len(model['domains'])} domains")
    return model


def main():
    bulkhead, inspector, root, platform, dtb, image, kernel, components, work = sys.argv[1:10]
    files = sys.argv[10:]
    root, work = Path(root), Path(work)
    tool = [bulkhead, "--root", root, "--platform", platform, "--dtb", dtb]
    build = ["--kernel", kernel, "--component-dir", components] + files

    if files[:1] == ["--app"]:
        app = Path(files[1])
        report = work / "report.txt"
        run(*tool, "--app", app, "--report", report)
        check(report.read_text(), run(inspector, "inspect", image), Path(image).name)
        return

    # The image the build made (the one `make run` and the vm_minimal_* tests boot).
    app = root / "apps/vm_minimal/vm_minimal.camkes"
    report = work / "report.txt"
    run(*tool, "--app", app, "--report", report)
    model = check(report.read_text(), run(inspector, "inspect", image), "vm_minimal.elf")

    # A copy whose guest RAM is as small as its layout allows: it still holds the DTB (2 MiB
    # of room at dtb_addr) and the initrd (its actual size), in 2 MiB steps. The numbers are
    # the board's devices.camkes's, so this works for any PLATFORM.
    devices = root / "apps/vm_minimal" / platform / "devices.camkes"
    text = devices.read_text()
    defines = dict(re.findall(r"^#define (VM_\w+) (0x[0-9a-fA-F]+)", text, re.M))
    missing = {"VM_RAM_BASE", "VM_RAM_SIZE", "VM_DTB_ADDR", "VM_INITRD_ADDR",
               "VM_INITRD_MAX_SIZE"} - defines.keys()
    if missing:
        sys.exit(f"FAIL: {devices} does not #define {sorted(missing)}")
    base, size = int(defines["VM_RAM_BASE"], 16), int(defines["VM_RAM_SIZE"], 16)
    ram = [(g, e) for _, kind, _, _, g, e in model["regions"] if kind == "guest-ram"]
    if ram != [(base, base + size)]:
        sys.exit(f"FAIL: the report's guest RAM {ram} is not {devices}'s {hex(base)} + {hex(size)}")
    initrd = next(f.split("=", 1)[1] for f in files if f.startswith("linux-initrd="))
    initrd_size = -(-Path(initrd).stat().st_size // 4096) * 4096
    block = 2 << 20
    end = max(int(defines["VM_DTB_ADDR"], 16) + block, int(defines["VM_INITRD_ADDR"], 16) + initrd_size)
    smaller = -(-(end - base) // block) * block
    if smaller >= size:
        sys.exit(f"FAIL: {devices}: guest RAM {hex(size)} leaves no room to shrink it (needs {hex(smaller)})")
    changed = text
    for name, value in (("VM_RAM_SIZE", smaller), ("VM_INITRD_MAX_SIZE", initrd_size)):
        changed = changed.replace(f"#define {name} {defines[name]}", f"#define {name} {hex(value)}")

    copy = work / "vm_minimal"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root / "apps/vm_minimal", copy,
                    ignore=shutil.ignore_patterns("overlay", "*.cpp", "*.txt", "*.py"))
    (copy / platform / "devices.camkes").write_text(changed)
    report2, image2 = work / "changed-report.txt", work / "changed.elf"
    run(*tool, "--app", copy / "vm_minimal.camkes", "--report", report2, "--image", image2, *build)
    inspect2 = run(inspector, "inspect", image2)
    check(report2.read_text(), inspect2, f"guest RAM {hex(smaller)}")
    want = f"map 0x{base:x}..0x{base + smaller:x} -> 0x{base:x} rwx"
    if want not in inspect2:
        sys.exit(f"FAIL: the changed assembly's guest RAM ({want}) is not in its image\n" + inspect2)
    print(f"ok: the image follows linux_ram_size ({hex(size)} -> {hex(smaller)})")

if __name__ == "__main__":
    main()
