"""The kernel's per-vCPU exit counters, read from outside the guest (bench/workload,
bench/net --exits).

A debug kernel's boot log says where each vCPU's counters are ("vcpu: exit counters of
<vCPU> at <address>: <kinds>", vcpu_abi::kExitCounterNames in that order); they are read
through QEMU's monitor (`xp`), which the QEMU command must multiplex with the console
(-nographic or -serial mon:stdio: Ctrl-A c).
"""
import math
import re

COUNTERS_LINE = re.compile(rb"vcpu: exit counters of (\S+) at 0x([0-9a-f]+):((?: [a-z0-9-]+)+)")
# Counted with the exits but not exits themselves (vcpu_abi::kExitKinds): exits of other
# kinds that carried an EOI report.
NOT_EXITS = ("eoi-carried",)
# The exits that reach the VMM, each a switch from the guest to native code and back
# (vcpu_abi::kExitCountersToVmm); the rest the kernel handles itself.
TO_VMM = ("mmio", "hvc", "smc", "sysreg", "other", "eoi-report")


def exit_counters(boot_log):
    """[(vCPU, address, [kind names])] from the kernel's boot log (none: a direct boot)."""
    return [(m.group(1).decode(), int(m.group(2), 16), m.group(3).decode().split())
            for m in COUNTERS_LINE.finditer(boot_log)]


def read_counters(qemu, counters):
    """{kind: count summed over the vCPUs} read from guest-physical memory through the
    monitor of `qemu` (a guest_console.PinnedQemu), or None if the monitor did not answer."""
    total = {}
    for _, address, kinds in counters:
        lines = math.ceil(len(kinds) / 2)
        m = qemu.monitor(f"xp /{len(kinds)}gx {address:#x}",
                         r"((?:[0-9a-f]+: 0x[0-9a-f]+(?: 0x[0-9a-f]+)?\s*\n){%d})" % lines)
        if not m:
            return None
        values = [int(v, 16) for v in re.findall(rb"0x([0-9a-f]+)", m.group(1))]
        for kind, value in zip(kinds, values):
            total[kind] = total.get(kind, 0) + value
    return total


def exits_only(counts):
    """The counts without what is not an exit (NOT_EXITS)."""
    return {k: v for k, v in counts.items() if k not in NOT_EXITS}
