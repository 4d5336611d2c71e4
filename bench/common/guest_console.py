"""Shared by the benchmarks that boot a guest in QEMU (bench/boot, bench/workload).

PinnedQemu starts one QEMU command pinned to one host CPU (on a virtual host the CPUs
can run at different speeds, and a pair split across them measures the host, not the
hypervisor), follows its console and types lines on it. guest_ram_mib() reads the
guest's memory from an image's system report, so that the direct boot gets as much.
"""
import os
import re
import selectors
import signal
import subprocess
import time


class PinnedQemu:
    """One QEMU (a shell command) on host CPU `cpu`; its console is stdin/stdout."""

    def __init__(self, cmd, cpu):
        self.start = time.monotonic()
        self.proc = subprocess.Popen(["sh", "-c", cmd], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     start_new_session=True,
                                     preexec_fn=lambda: os.sched_setaffinity(0, {cpu}))
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.proc.stdout, selectors.EVENT_READ)
        self.seen = b""    # console output not yet consumed by a match
        self.before = b""  # what the last match consumed before its start
        self.eof = False

    def elapsed(self):
        return time.monotonic() - self.start

    def _processes(self):
        """(pid, fields of /proc/<pid>/stat after the command name) of every process of
        this command: its session, the shell and QEMU (process group = the session's
        leader). Processes that end meanwhile are left out."""
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/stat", encoding="ascii") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[3]) == self.proc.pid:
                    yield pid, fields
            except (OSError, ValueError, IndexError):
                continue

    def cpu_seconds(self):
        """Host CPU time used so far by every thread of every process of this command,
        from /proc/<pid>/task/<tid>/schedstat. Unlike wall time it leaves out the time
        other processes on a loaded host took from it."""
        total = 0
        for pid, _ in self._processes():
            try:
                for tid in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{tid}/schedstat", encoding="ascii") as f:
                        total += int(f.read().split()[0])
            except (OSError, ValueError, IndexError):
                continue
        return total / 1e9

    def host_kernel_seconds(self):
        """The part of cpu_seconds() the host's kernel spent for this command's processes
        (stime in /proc/<pid>/stat, 10 ms ticks): mostly its page faults. On a host that is
        itself a virtual machine a fresh page can cost 1-50 us there, unevenly, and that
        cost follows how much memory a system touches, not what its code does."""
        ticks = sum(int(fields[12]) for _, fields in self._processes())
        return ticks / os.sysconf("SC_CLK_TCK")

    def expect(self, pattern, timeout):
        """Waits until the console output since the last match matches `pattern`
        (a regex); returns the match (its bytes groups) or None on timeout or EOF."""
        pat = re.compile(pattern.encode())
        deadline = time.monotonic() + timeout
        while True:
            m = pat.search(self.seen)
            if m:
                self.before = self.seen[:m.start()]
                self.seen = self.seen[m.end():]
                return m
            self.seen = self.seen[-65536:]
            if self.eof or time.monotonic() >= deadline:
                return None
            if not self.sel.select(timeout=0.5):
                continue
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                self.eof = True
            self.seen += chunk

    def send(self, line):
        self.send_raw(line.encode() + b"\n")

    def send_paced(self, line, piece=16, pause=0.05, before_last=None):
        """Types `line` in pieces of `piece` characters, `pause` seconds apart, for
        consoles that drop what does not fit a short input buffer (Xen's emulated UART
        keeps 32 characters). `before_last` (if given) is called just before the last
        piece, the one with the newline that starts the command."""
        data = line.encode() + b"\n"
        starts = list(range(0, len(data), piece))
        for i in starts:
            if i == starts[-1] and before_last is not None:
                before_last()
            self.send_raw(data[i:i + piece])
            time.sleep(pause)

    def send_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def monitor(self, command, reply, timeout=10):
        """Runs an HMP command on QEMU's monitor, which `-nographic` multiplexes with the
        console (Ctrl-A c switches between them); returns the match of `reply` (a regex)
        in its output, or None. The console is back in front afterwards."""
        self.send_raw(b"\x01c")
        self.send(command)
        m = self.expect(reply, timeout)
        self.send_raw(b"\x01c")
        return m

    def close(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def interleaved(paths, rounds, measure):
    """Yields (round from 1, name, measure(path)) for each of `paths` (name -> image) in
    every round, the order reversed every other round so that neither always goes first."""
    for r in range(rounds):
        names = list(paths) if r % 2 == 0 else list(reversed(paths))
        for name in names:
            yield r + 1, name, measure(paths[name])


def guest_ram_mib(report):
    with open(report, encoding="utf-8") as f:
        for line in f:
            m = re.search(r"\bguest-ram\b.*?\s(\d+) MiB", line)
            if m:
                return int(m.group(1))
    raise SystemExit(f"{report}: no guest-ram line in the system report")


def fill_guest_ram(cmd, report, parser):
    """Replaces `{guest_ram_mib}` in a command by the guest RAM of `report`."""
    if "{guest_ram_mib}" not in cmd:
        return cmd
    if not report:
        parser.error("the direct command uses {guest_ram_mib}: give --report")
    return cmd.replace("{guest_ram_mib}", str(guest_ram_mib(report)))


def steal_seconds(cpu):
    """Time host CPU `cpu` has been stolen (by the hypervisor this host runs under, when it
    is a VM), from /proc/stat. A QEMU's CPU time includes it: spans with much of it
    measure the host's host, not the systems compared."""
    with open("/proc/stat", encoding="ascii") as f:
        for line in f:
            fields = line.split()
            if fields[0] == f"cpu{cpu}":
                return int(fields[8]) / os.sysconf("SC_CLK_TCK")
    return 0.0


def default_cpu():
    return max(os.sched_getaffinity(0))


def add_pair_args(ap, b_name, timeout_help="seconds to wait"):
    """The options both benchmarks take: commands A and B, their names, the userspace
    marker, the timeout, the system report and the host CPU."""
    ap.add_argument("--a", required=True, help="command A (shell words), e.g. Bulkhead's run.sh")
    ap.add_argument("--b", required=True, help="command B, e.g. the direct boot")
    ap.add_argument("--a-name", default="bulkhead")
    ap.add_argument("--b-name", default=b_name)
    ap.add_argument("--marker", default="BULKHEAD-GUEST-READY")
    ap.add_argument("--timeout", type=float, default=120, help=timeout_help)
    ap.add_argument("--report", help="system report giving the guest's RAM for {guest_ram_mib}")
    ap.add_argument("--cpu", type=int, default=default_cpu(), help="host CPU both commands run on")
