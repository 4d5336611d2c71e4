#!/usr/bin/env python3
"""`make run CAMKES_VM_APP=x` builds what x needs and nothing else, so a broken app
elsewhere in apps/ cannot stop x: checked on ninja's graph of the host build.

- `<app>_run` (what `make run` builds) makes the app's own image when the app has one for
  the board (its `<app>_image` target, or its `<board>/devices.camkes`) and none of
  another app's files, no variant or test image, no fuzzer, nothing under tests/;
- `bulkhead_target` (the nested target build every image needs) depends on no app.

usage: run_target_graph.py <host build dir> <source root> <board> <app>...
"""
import os
import re
import subprocess
import sys


def commands(build, target):
    r = subprocess.run(["ninja", "-C", build, "-t", "commands", target], capture_output=True, text=True)
    if r.returncode != 0:
        return None
    return r.stdout.splitlines()


def main():
    build, root, board, apps = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    failures = []
    target_cmds = commands(build, "bulkhead_target")
    if target_cmds is None:
        sys.exit("FAIL: no target bulkhead_target")
    for c in target_cmds:
        if f"{root}/apps/" in c or f"{build}/apps/" in c:
            failures.append(f"bulkhead_target depends on an app: {c}")

    checked = 0
    for app in apps:
        cmds = commands(build, f"{app}_run")
        if cmds is None:
            continue  # an app without bulkhead_app() and not CAMKES_VM_APP
        checked += 1
        image = f"{build}/apps/{app}/{app}.elf"
        # An app without settings for this board has no image here: its _run builds its guest.
        has_image = (commands(build, f"{app}_image") is not None
                     or os.path.exists(f"{root}/apps/{app}/{board}/devices.camkes"))
        if has_image and not any(f"--image {image}" in c for c in cmds):
            failures.append(f"{app}_run does not make {image}")
        for c in cmds:
            others = [o for o in apps if o != app and (f"/apps/{o}/" in c)]
            if others:
                failures.append(f"{app}_run builds something of {others}: {c}")
            if any(i != image for i in re.findall(r"--image (\S+)", c)):
                failures.append(f"{app}_run makes another image: {c}")
            if "fsanitize=fuzzer" in c:
                failures.append(f"{app}_run builds a fuzzer: {c}")
            if f"{build}/tests/" in c or f"{root}/tests/" in c:
                failures.append(f"{app}_run builds something of the tests: {c}")
        print(f"{app}_run: {len(cmds)} commands, only {app}'s"
              + ("" if has_image else f" (no image for {board})"))
    if not checked:
        failures.append(f"no <app>_run target for any of {apps}")
    if failures:
        sys.exit("FAIL:\n" + "\n".join(failures))
    print(f"bulkhead_target: {len(target_cmds)} commands, no app")


if __name__ == "__main__":
    main()
