#!/usr/bin/env python3
"""Expect-style runner for system tests: boots QEMU, follows the console, types lines.

Steps run in the order given on the command line:
  --expect REGEX   wait until the console output (since the last match) matches
  --send TEXT      type TEXT and a newline on the console
  --wait SECONDS   let the system run for a while
  --md5 MARK       wait for "MARK-BEGIN", a payload, "MARK-END <md5 hex>" and check that the
                   payload (CRs the terminal added removed) has that MD5: nothing was lost.
                   When the BEGIN line carries a SerialServer client's name ("[vm0] MARK-BEGIN")
                   the payload is that client's lines only, names removed (other clients'
                   lines may interleave). It looks from the end of the previous md5 step,
                   not from the last expect: expects may follow other clients meanwhile.
  --most N:REGEX   the output so far has at most N lines matching REGEX (a flood a guest
                   caused was logged rate-limited, not line by line)
An --expect REGEX made of lookaheads only ("(?s)(?=.*A)(?=.*B)": lines in any order) is tried
at the cursor alone (a search would be quadratic in the output's size). While output streams
in, a failed --expect is tried again only after four times as long as its last try took (a
search of megabytes of console output after every 64 KiB read kept QEMU waiting on a full
pipe, all its cores with it, for most of vm_multi_console_flood), and at once whenever the
output pauses; what was read is joined into the searched text only then.
A --fail REGEX anywhere in the output fails the test at once; so does the timeout,
or QEMU exiting before the last step (unless --expect-exit is given, in which case
QEMU must exit by itself, with that status, after the last step).
The whole console log is written to --log; on failure its tail is printed too.
--smp-of IMAGE (with --image-tool, bulkhead_image) appends `-smp N` to the command (the
last -smp counts), N the cores the image's threads run on (`bulkhead_image qemu-smp`).
"""
import argparse
import hashlib
import os
import re
import selectors
import signal
import subprocess
import sys
import time


class Step(argparse.Action):
    def __call__(self, parser, namespace, values, option_string=None):
        namespace.steps.append((self.dest, values))


# "(?s)" then one or more "(?=.*...)" groups and nothing else (see find() in main).
LOOKAHEADS_ONLY = re.compile(r"\(\?s\)(\(\?=\.\*(?:[^()\\]|\\.|\((?!\?=)[^()]*\))*\))+")

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.set_defaults(steps=[])
    ap.add_argument("--expect", action=Step, dest="expect", metavar="REGEX")
    ap.add_argument("--send", action=Step, dest="send", metavar="TEXT")
    ap.add_argument("--wait", action=Step, dest="wait", metavar="SECONDS")
    ap.add_argument("--md5", action=Step, dest="md5", metavar="MARK")
    ap.add_argument("--most", action=Step, dest="most", metavar="N:REGEX")
    ap.add_argument("--fail", action="append", default=[], metavar="REGEX")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--expect-exit", type=int, default=None, metavar="STATUS")
    ap.add_argument("--log", required=True)
    ap.add_argument("--smp-of", metavar="IMAGE", help="QEMU gets the cores IMAGE runs on")
    ap.add_argument("--image-tool", metavar="PATH", help="bulkhead_image, for --smp-of")
    ap.add_argument("command", nargs=argparse.REMAINDER, help="-- qemu-system-aarch64 ...")
    args = ap.parse_args()
    cmd = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not cmd:
        ap.error("no command to run (give it after --)")
    if args.smp_of:
        if not args.image_tool:
            ap.error("--smp-of needs --image-tool")
        got = subprocess.run([args.image_tool, "qemu-smp", args.smp_of], capture_output=True,
                             text=True, check=False)
        if got.returncode != 0 or not got.stdout.strip().isdigit():
            sys.exit(f"qemu_expect: {args.image_tool} qemu-smp {args.smp_of} failed: "
                     f"{got.stderr.strip() or got.stdout.strip()}")
        cmd = cmd + ["-smp", got.stdout.strip()]

    fails = [re.compile(f) for f in args.fail]
    os.makedirs(os.path.dirname(os.path.abspath(args.log)), exist_ok=True)
    logf = open(args.log, "wb")
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    os.set_blocking(proc.stdout.fileno(), False)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    text = ""        # everything read and decoded, as far as settle() joined it
    pending = []     # decoded since: joined into `text` before it is searched (a str grows
                     # by copying, so once per search rather than once per read)
    received = 0     # bytes read so far
    fail_tail = ""   # the end of what --fail patterns scanned (a match may straddle reads)
    cursor = 0       # where the next --expect starts looking
    eof = False

    def settle():
        nonlocal text
        if pending:
            text += "".join(pending)
            pending.clear()

    def elapsed():
        return time.monotonic() - start

    def finish(ok, why):
        settle()
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
        logf.close()
        if ok:
            print(f"PASS ({elapsed():.1f}s): {why}")
            sys.exit(0)
        print(f"FAIL ({elapsed():.1f}s): {why}")
        print(f"---- last console lines (full log: {args.log}) ----")
        print("\n".join(text.splitlines()[-40:]))
        sys.exit(1)

    def pump(deadline):
        """Reads what is available until deadline; returns False once QEMU's output ends."""
        nonlocal fail_tail, received, eof
        if eof:
            return False
        wait = max(0.0, deadline - time.monotonic())
        new = []
        for _key, _ in sel.select(timeout=min(wait, 0.2)):
            try:
                chunk = proc.stdout.read()
            except BlockingIOError:
                chunk = b""
            if chunk is None:
                continue
            if chunk == b"":
                eof = True
                sel.unregister(proc.stdout)
                return False
            logf.write(chunk)
            logf.flush()
            received += len(chunk)
            new.append(chunk.decode("utf-8", "replace"))
        if new:
            # The new output and the 200 characters before it; from index 1, so that `^`
            # and lookbehinds see the character before, as a search of the whole text would.
            window = fail_tail + "".join(new)
            for f in fails:
                m = f.search(window, 1 if fail_tail else 0)
                if m:
                    pending.extend(new)
                    finish(False, f"failure pattern /{f.pattern}/ seen: {m.group(0)!r}")
            fail_tail = window[-201:]
            pending.extend(new)
        return True

    hard_deadline = start + args.timeout

    def find(pat, pos):
        # A pattern of lookaheads only ("(?s)(?=.*A)(?=.*B)": lines in any order) matches at
        # some position iff it matches at the first one, so it is tried there alone: searching
        # would rescan the rest of the output from every position, quadratic in its size
        # (seconds per attempt on a three-VM boot log, during which QEMU's output backs up).
        if LOOKAHEADS_ONLY.fullmatch(pat.pattern):
            return pat.match(text, pos)
        return pat.search(text, pos)

    def wait_for(pat, what, start=None):
        """Waits until pat matches the output from the cursor (or `start`) on; returns the
        match."""
        def attempt():
            settle()
            return find(pat, cursor if start is None else start)

        while True:
            began = time.monotonic()
            m = attempt()
            if m:
                return m
            retry = time.monotonic() + 4 * (time.monotonic() - began)
            while True:
                if time.monotonic() > hard_deadline:
                    finish(False, f"timeout after {args.timeout:.0f}s waiting for {what}")
                before = received
                if not pump(hard_deadline):
                    m = attempt()
                    if m:
                        return m
                    finish(False,
                           f"QEMU exited (status {proc.wait()}) while waiting for {what}")
                # Again once the output pauses, or when the last try is paid for.
                if received == before or time.monotonic() >= retry:
                    break

    md5_from = 0  # where the next md5 step looks for its BEGIN

    for kind, value in args.steps:
        if kind == "expect":
            cursor = wait_for(re.compile(value), f"/{value}/").end()
        elif kind == "send":
            try:
                proc.stdin.write(value.encode() + b"\n")
                proc.stdin.flush()
            except BrokenPipeError:
                finish(False, f"QEMU exited before '{value}' could be typed")
        elif kind == "md5":
            mark = re.escape(value)
            begin = wait_for(re.compile(r"(\[[\w.-]+\] )?" + mark + r"-BEGIN\r?\n"),
                             f"{value}-BEGIN", md5_from)
            prefix = begin.group(1) or ""
            end = wait_for(re.compile(re.escape(prefix) + mark + r"-END ([0-9a-f]{32})"),
                           f"{value}-END", begin.end())
            md5_from = end.end()
            cursor = max(cursor, end.end())
            body = text[begin.end():end.start()]
            others = 0
            if prefix:
                lines = body.split("\n")[:-1]
                mine = [ln for ln in lines if ln.startswith(prefix)]
                others = len(lines) - len(mine)
                payload = "".join(ln[len(prefix):].replace("\r", "") + "\n" for ln in mine)
            else:
                payload = body.replace("\r", "")
            got = hashlib.md5(payload.encode("utf-8", "surrogateescape")).hexdigest()
            if got != end.group(1):
                finish(False, f"{value}: {len(payload)} bytes arrived with MD5 {got}, "
                              f"the guest sent MD5 {end.group(1)}")
            print(f"{value}: {len(payload)} bytes arrived whole (MD5 {got})"
                  + (f", {others} other lines interleaved" if prefix else ""))
        elif kind == "most":
            settle()
            limit, _, pattern = value.partition(":")
            pat = re.compile(pattern)
            count = sum(1 for line in text.splitlines() if pat.search(line))
            if count > int(limit):
                finish(False, f"{count} lines match /{pattern}/, at most {limit} expected")
            print(f"{count} lines match /{pattern}/ (at most {limit})")
        elif kind == "wait":
            until = time.monotonic() + float(value)
            while time.monotonic() < until:
                if not pump(until):
                    break

    if args.expect_exit is not None:
        while True:
            if time.monotonic() > hard_deadline:
                finish(False, f"timeout after {args.timeout:.0f}s waiting for QEMU to exit")
            if not pump(hard_deadline):
                break
        status = proc.wait()
        if status != args.expect_exit:
            finish(False, f"QEMU exited with status {status}, expected {args.expect_exit}")
        finish(True, f"all {len(args.steps)} steps matched, QEMU exited with {status}")
    finish(True, f"all {len(args.steps)} steps matched")


if __name__ == "__main__":
    main()
