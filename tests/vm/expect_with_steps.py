#!/usr/bin/env python3
"""Runs tests/harness/qemu_expect.py with steps known only at build time (sizes, CRCs
the host computed) after the fixed ones (inserted before the '--' that starts QEMU's
command line).
usage: expect_with_steps.py <steps file> <qemu_expect.py> [its arguments...]
The steps file has one 'expect:REGEX', 'send:TEXT' or 'wait:SECONDS' per line."""
import os
import sys


def main():
    steps_file, harness, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
    steps = []
    with open(steps_file) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            kind, _, value = line.partition(":")
            if kind not in ("expect", "send", "wait"):
                sys.exit(f"{steps_file}: bad step {line!r}")
            steps += [f"--{kind}", value]
    split = rest.index("--") if "--" in rest else len(rest)
    args = rest[:split] + steps + rest[split:]
    os.execvp(sys.executable, [sys.executable, harness] + args)


if __name__ == "__main__":
    main()
