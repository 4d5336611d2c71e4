"""QEMU's own translation counters (HMP `info jit`), read through a monitor socket that is
added to any QEMU command (bench/workload).

Under TCG a guest's speed depends on QEMU's software TLB as much as on its exits: every
TLB flush (a write of VTTBR_EL2 or of HCR_EL2.DC, a guest TLBI) costs the guest a refill,
and QEMU resizes a TLB only when it flushes it (docs/ARCHITECTURE.md, "QEMU's software
TLB and a guest's switches"). Counting the flushes per workload, for every system booted,
shows where they come from.
"""
import re
import socket

# `info jit` lines read, and the names they are printed under.
COUNTERS = {"TLB full flushes": "full", "TLB partial flushes": "partial",
            "TLB elided flushes": "elided", "TB count": "tbs"}


def monitor_args(path):
    """QEMU options for an HMP monitor on the unix socket `path`: the QEMU's only one (an
    explicit -monitor replaces the one -nographic would put on the console)."""
    return f" -monitor unix:{path},server=on,wait=off"


def hmp(path, command, timeout=10):
    """The output of one HMP `command` on the monitor at `path`, or None."""
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(timeout)
            s.connect(path)
            data = b""
            for send in (None, command):
                if send is not None:
                    s.sendall(send.encode() + b"\n")
                    data = b""
                while not data.endswith(b"(qemu) "):
                    chunk = s.recv(65536)
                    if not chunk:
                        return None
                    data += chunk
            return data.decode(errors="replace")
    except OSError:
        return None


class SocketMonitor:
    """The monitor at `path` with PinnedQemu.monitor's interface (exit_counters.read_counters
    takes either). A QEMU given `-monitor` has no monitor behind Ctrl-A c on its console any
    more (-nographic multiplexes one there only by default), so all reads go here."""

    def __init__(self, path):
        self.path = path

    def monitor(self, command, reply, timeout=10):
        out = hmp(self.path, command, timeout)
        return None if out is None else re.search(reply.encode(), out.encode())


def read_jit(path):
    """{name: value} of COUNTERS from `info jit` (partial and elided count TLB indexes: a
    flush of the three EL1&0 indexes is 3), or None if the monitor did not answer."""
    out = hmp(path, "info jit")
    if out is None:
        return None
    values = {}
    for line, name in COUNTERS.items():
        m = re.search(re.escape(line) + r"\s+(\d+)", out)
        if m:
            values[name] = int(m.group(1))
    return values if len(values) == len(COUNTERS) else None
