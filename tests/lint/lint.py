#!/usr/bin/env python3
"""`make lint`: the formatting check and clang-tidy, failing on any finding.

usage: lint.py [--root DIR] [-p BUILD_DIR] [-j N] [--fix]

Formatting: every C++ source in the tree (git's view of it: tracked and untracked but not
ignored; committed fuzz corpora excluded) must be what clang-format makes of it per
.clang-format. With -p, clang-tidy (.clang-tidy) also runs over the sources of
libs/, tools/, kernel/ and components/ in BUILD_DIR's compile_commands.json. Every
finding is printed as file:line:column; the last line is a one-line summary. The exit
status is 1 when anything was found, when clang-tidy could not analyse a file, or when the
compilation database names none of the tree's sources (a lint that checks nothing is not a
pass). The nested target build's database (BUILD_DIR/target), when there is one, is
checked too, as aarch64 (kernel, libs, components and apps as the board builds them). --fix
reformats the sources in place instead of checking them.
"""
import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

EXTENSIONS = (".cpp", ".hpp", ".h", ".cc")
TIDY_DIRS = ("libs", "tools", "kernel", "components")
TARGET_TIDY_DIRS = ("libs", "kernel", "components", "apps")
# run-clang-tidy always asks clang-tidy for colour: the escapes are taken out first.
ANSI = re.compile(r"\x1b\[[0-9;]*m")
DIAGNOSTIC = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): (?P<kind>warning|error): (?P<text>.*)$")


def sources(root):
    """The C++ sources of the tree, relative to root."""
    git = subprocess.run(["git", "-C", str(root), "ls-files", "--cached", "--others", "--exclude-standard"],
                         capture_output=True, text=True)
    if git.returncode == 0:
        names = git.stdout.splitlines()
    else:  # not a git checkout (the self-test's scratch tree)
        names = [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()]
    names = [n for n in names if n.endswith(EXTENSIONS) and not re.match(r"tests/.*/corpus/", n)]
    return sorted(n for n in names if (root / n).is_file())


def chunks(items, n=200):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def check_format(root, files):
    """Files clang-format would change: {file: first differing line:column}."""
    bad = {}
    for part in chunks(files):
        r = subprocess.run(["clang-format", "--dry-run"] + part, cwd=root, capture_output=True, text=True)
        for line in r.stderr.splitlines():
            m = DIAGNOSTIC.match(line)
            if m and m["file"] not in bad:
                bad[m["file"]] = f"{m['line']}:{m['col']}"
        if r.returncode != 0 and not bad:
            sys.stderr.write(r.stderr)
            bad["(clang-format)"] = "failed"
    return bad


def run_tidy(root, build, jobs, dirs=TIDY_DIRS, extra_args=()):
    """clang-tidy over the database's project sources: (files checked, findings, failure)."""
    db = Path(build) / "compile_commands.json"
    if not db.is_file():
        return 0, [], f"no compilation database at {db} (configure the build first)"
    prefix = str(root.resolve()) + "/"
    # C++ only: clang-tidy cannot read the assembly sources of the target build.
    pattern = "^" + re.escape(prefix) + "(" + "|".join(dirs) + r")/.*\.(cpp|cc)$"
    entries = json.loads(db.read_text())
    checked = {
        os.path.normpath(os.path.join(e["directory"], e["file"]))
        for e in entries
        if re.search(pattern, os.path.normpath(os.path.join(e["directory"], e["file"])))
    }
    if not checked:
        return 0, [], f"{db} names no source under {', '.join(TIDY_DIRS)}/ of {root}"
    r = subprocess.run(["run-clang-tidy", "-quiet", "-j", str(jobs), "-p", str(build)] +
                       [f"-extra-arg={a}" for a in extra_args] + [pattern],
                       capture_output=True, text=True)
    findings = []
    for line in ANSI.sub("", r.stdout + r.stderr).splitlines():
        m = DIAGNOSTIC.match(line)
        if not m:
            continue
        path = os.path.normpath(m["file"])
        # Warnings count in the project's own files; an error anywhere means clang-tidy
        # could not analyse a file, which is a failure too.
        if m["kind"] == "warning" and not path.startswith(prefix):
            continue
        shown = path[len(prefix):] if path.startswith(prefix) else path
        findings.append(f"{shown}:{m['line']}:{m['col']}: {m['kind']}: {m['text']}")
    findings = sorted(set(findings), key=lambda f: (f.split(":")[0], int(f.split(":")[1]), f))
    failure = None
    if r.returncode != 0 and not any(": error: " in f for f in findings):
        failure = f"run-clang-tidy exited with {r.returncode}:\n{r.stderr.strip()}"
    return len(checked), findings, failure


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=Path(__file__).resolve().parents[2], type=Path)
    ap.add_argument("-p", dest="build", help="build directory with compile_commands.json: also run clang-tidy")
    ap.add_argument("-j", dest="jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--fix", action="store_true", help="reformat the sources in place")
    args = ap.parse_args()
    root = args.root.resolve()

    files = sources(root)
    if args.fix:
        for part in chunks(files):
            subprocess.run(["clang-format", "-i"] + part, cwd=root, check=True)
        print(f"lint: reformatted {len(files)} files")
        return 0

    problems = 0
    unformatted = check_format(root, files)
    for f, where in sorted(unformatted.items()):
        print(f"{f}:{where}: not formatted per .clang-format (fix: tests/lint/check_format.sh --fix)")
    problems += len(unformatted)
    summary = f"{len(unformatted)} of {len(files)} files not formatted"

    if args.build:
        checked, findings, failure = run_tidy(root, args.build, args.jobs)
        for f in findings:
            print(f)
        if failure:
            print(f"lint: {failure}")
            problems += 1
        problems += len(findings)
        target = Path(args.build) / "target"
        target_checked = 0
        if (target / "compile_commands.json").is_file():
            target_checked, target_findings, failure = run_tidy(
                root, target, args.jobs, TARGET_TIDY_DIRS, ("--target=aarch64-linux-gnu",))
            for f in target_findings:
                print(f"{f} (target build)")
            if failure:
                print(f"lint: target build: {failure}")
                problems += 1
            problems += len(target_findings)
            findings = findings + target_findings
        summary = (f"{len(findings)} clang-tidy findings in {checked} host and {target_checked} "
                   f"target files, " + summary)

    print(f"lint: {'FAILED' if problems else 'ok'}: {summary}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
