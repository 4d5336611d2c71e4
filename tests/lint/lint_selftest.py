#!/usr/bin/env python3
"""`make lint` can fail: lint.py over a scratch tree passes on a clean file and fails
(exit 1, the finding named as file:line:column) on a badly formatted file and on a
clang-tidy finding. A few seconds: one tiny file per clang-tidy run.

usage: lint_selftest.py <repository root>
"""
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CLEAN = "int twice(int x) {\n    return 2 * x;\n}\n"
BADLY_FORMATTED = "int  twice( int x ){return 2*x;}\n"
# modernize-use-nullptr (.clang-tidy); formatted per .clang-format.
TIDY_FINDING = "int* none() {\n    return 0;\n}\n"


def lint(repo, tree, *args):
    r = subprocess.run([sys.executable, str(repo / "tests/lint/lint.py"), "--root", str(tree), *args],
                       capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def expect(what, got, want_rc, *needles):
    rc, out = got
    missing = [n for n in needles if n not in out]
    if rc != want_rc or missing:
        sys.exit(f"FAIL: {what}: exit {rc} (want {want_rc}), missing {missing} in:\n{out}")
    print(f"ok: {what}: exit {rc}: {out.strip().splitlines()[-1]}")


def main():
    repo = Path(sys.argv[1]).resolve()
    with tempfile.TemporaryDirectory(prefix="lint-selftest-") as tmp:
        tree = Path(tmp)
        for config in (".clang-format", ".clang-tidy"):
            shutil.copy(repo / config, tree / config)
        src = tree / "libs" / "demo"
        src.mkdir(parents=True)
        build = tree / "build"
        build.mkdir()

        def database(*names):
            entries = [{"directory": str(build), "file": str(src / n),
                        "command": f"c++ -std=c++20 -c {src / n} -o {n}.o"} for n in names]
            (build / "compile_commands.json").write_text(json.dumps(entries))

        (src / "clean.cpp").write_text(CLEAN)
        database("clean.cpp")
        expect("clean tree", lint(repo, tree, "-p", str(build)), 0, "lint: ok: 0 clang-tidy findings in 1 host and 0 target files")

        (src / "ugly.cpp").write_text(BADLY_FORMATTED)
        expect("formatting difference", lint(repo, tree), 1,
               "libs/demo/ugly.cpp:1:", "not formatted", "lint: FAILED: 1 of 2 files not formatted")
        (src / "ugly.cpp").unlink()

        (src / "null.cpp").write_text(TIDY_FINDING)
        database("clean.cpp", "null.cpp")
        expect("clang-tidy warning", lint(repo, tree, "-p", str(build)), 1,
               "libs/demo/null.cpp:2:12: warning:", "[modernize-use-nullptr]",
               "lint: FAILED: 1 clang-tidy findings in 2 host and 0 target files")

        database()
        expect("empty compilation database", lint(repo, tree, "-p", str(build)), 1, "names no source")


if __name__ == "__main__":
    main()
