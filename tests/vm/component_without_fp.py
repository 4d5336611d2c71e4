#!/usr/bin/env python3
# A component on a guest's hot path (VM.elf, PingClient.elf) touches no FP/SIMD register
# (VM.elf: outside libfdt, Debian's prebuilt libfdt.a, used while the guest DTB is built at
# boot). A VMM that used them on an exit, or a PingClient on each frame, would take the FP
# registers from a guest that uses them and give them back through an FP trap, and make
# the kernel switch the FP trap at every guest/native switch (their CMakeLists.txt build
# them with -mgeneral-regs-only).
# Usage: component_without_fp.py <objdump> <component.elf> [minimum function count]
import re
import subprocess
import sys

objdump, elf = sys.argv[1], sys.argv[2]
listing = subprocess.run([objdump, "-d", "--no-show-raw-insn", elf], capture_output=True,
                         text=True, check=True).stdout
function = re.compile(r"^[0-9a-f]+ <(.+)>:$")
# An operand that names a SIMD&FP register: v0.4s, q1, d2, s3, h4, b5 (not x/w/sp).
fp_operand = re.compile(r"[\s,\[{](?:v(?:[12]?\d|3[01])\.\w+|[qdshb](?:[12]?\d|3[01]))(?=[,\]}\s]|$)")
allowed = re.compile(r"^fdt_")

functions = 0
current = None
offenders = {}
for line in listing.splitlines():
    m = function.match(line)
    if m:
        current = m.group(1)
        functions += 1
        continue
    parts = line.split("\t")
    if current is None or len(parts) < 3:
        continue
    operands = " " + parts[2].split("<")[0].split("//")[0]  # not a symbol or a comment
    if fp_operand.search(operands) and not allowed.match(current):
        offenders.setdefault(current, parts[1].strip() + " " + parts[2].strip())

minimum = int(sys.argv[3]) if len(sys.argv) > 3 else 100
if functions < minimum:
    sys.exit(f"{elf}: only {functions} functions in the listing; is it a component ELF?")
for name, example in sorted(offenders.items()):
    print(f"FP/SIMD register use in {name}: {example}")
if offenders:
    sys.exit(f"{len(offenders)} function(s) of {elf} use FP/SIMD registers")
print(f"{elf}: {functions} functions, none outside libfdt uses FP/SIMD registers")
