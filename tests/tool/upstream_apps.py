#!/usr/bin/env python3
"""Measures how many upstream app x platform pairs the bulkhead tool accepts unchanged.

Not run in CI: it needs fetched copies of upstream's repositories (git mirrors, read with
`git archive`, never copied into this tree):
  camkes-arm-vm      at tag camkes-3.8.x-compatible  (the 3.8 dialect: apps/<app>)
  camkes-vm-examples at its newest commit             (the current dialect: apps/Arm/<app>)
  seL4               tools/dts/<board>.dts            (the DTBs upstream's dtb() queries ran on)
QEMU's DTB is the one the build dumps (build/debug/platform/qemu-arm-virt/qemu-arm-virt.dtb).

A pair passes when the tool resolves the assembly: exit 0, or the only complaint is that the
platform has no board description yet (the lowering needs one; the check before it passed).

Last measured: 37 of 37 pairs pass (docs/MIGRATING.md: the table per dialect, how the
figure moved, and what they still need to run here).

usage: upstream_apps.py [--mirrors DIR] [--bulkhead EXE] [--work DIR] [-v]
       exits 0 when the copies are absent (prints why), else 0 and prints the table.
"""
import argparse
import shutil
import subprocess
import sys
import tarfile
import io
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# (dialect, repository, revision, apps folder)
SOURCES = [
    ("3.8", "seL4+camkes-arm-vm", "camkes-3.8.x-compatible", "apps"),
    ("current", "seL4+camkes-vm-examples", "HEAD", "apps/Arm"),
]
# The app's main assembly when it is not <app>.camkes.
MAIN = {"odroid_vm": "vm_odroid.camkes"}
# More top-level assemblies of an app than its main one (upstream's CMake picks them with a
# setting: vm_virtio_net's VIRTIO_NET_PING=1 builds vm_echo_ping.camkes).
ALSO = {"vm_virtio_net": [("vm_echo_ping.camkes", ["VIRTIO_NET_PING=1"])]}
# cpp flags an app's CMake always adds (upstream's `set(cpp_flags ...)` / AddCamkesCPPFlag):
# odroid_vm is an Odroid-XU app, whatever the kernel platform.
CPP_FLAGS = {"odroid_vm": ["KERNELARMPLATFORM_EXYNOS5410"]}
# Current-dialect apps whose qemu-arm-virt/devices.camkes here is written for upstream's
# assembly (its VM names vm0, vm1, ...): also tried beside upstream's main assembly.
OURS_CURRENT = {"vm_multi"}
# Apps without per-platform folders are built for this board only.
DEFAULT_PLATFORM = {"odroid_vm": "exynos5422"}
# seL4's tools/dts name for each platform folder name.
DTS = {"zcu102": "zynqmp"}


def git(repo, *args):
    return subprocess.run(["git", "--git-dir", str(repo), *args], check=True,
                          capture_output=True).stdout


def export(repo, rev, subdir, dest):
    """Writes <rev>:<subdir> of a bare mirror under dest (once)."""
    if dest.exists():
        return
    data = git(repo, "archive", "--format=tar", rev, subdir)
    dest.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        # Upstream has symlinks out of its tree (build products); they are not assemblies.
        tar.extractall(dest, filter=lambda m, at: None if m.issym() or m.islnk()
                       else tarfile.data_filter(m, at))


def dtb_for(platform, mirrors, work):
    if platform == "qemu-arm-virt":
        p = ROOT / "build/debug/platform/qemu-arm-virt/qemu-arm-virt.dtb"
        return p if p.exists() else None
    out = work / "dtbs" / f"{platform}.dtb"
    if out.exists():
        return out
    repo = mirrors / "seL4+seL4/repo"
    name = DTS.get(platform, platform)
    try:
        dts = git(repo, "show", f"HEAD:tools/dts/{name}.dts")
    except subprocess.CalledProcessError:
        return None
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(out), "-"], input=dts,
                   check=True)
    return out


def pairs(dialect, app_root):
    """(app label, assembly, platform, platform label, extra include dir, cpp defines) per app x
    assembly x platform: upstream's platform folders, and, for 3.8's apps, ours
    (apps/<app>/qemu-arm-virt/devices.camkes) beside upstream's assemblies, as a user would
    drop them in."""
    for app_dir in sorted(p for p in app_root.iterdir() if p.is_dir()):
        app = app_dir.name
        main = app_dir / MAIN.get(app, f"{app}.camkes")
        if not main.exists():
            continue
        mains = [(app, main, [])] + [(f"{app}/{Path(m).stem}", app_dir / m, d)
                                     for m, d in ALSO.get(app, []) if (app_dir / m).exists()]
        # A platform is a folder holding devices.camkes (zcu102/<version>/ counts per version).
        found = sorted(d.parent for d in app_dir.glob("**/devices.camkes"))
        ours = ROOT / "apps" / app / "qemu-arm-virt"
        for label, m, defines in mains:
            if not found and app in DEFAULT_PLATFORM:
                yield label, m, DEFAULT_PLATFORM[app], DEFAULT_PLATFORM[app], None, defines
            for d in found:
                rel = d.relative_to(app_dir)
                extra = d if len(rel.parts) > 1 else None
                yield (label, m, rel.parts[0], rel.parts[0] + (f"/{d.name}" if extra else ""),
                       extra, defines)
            # Ours are written in 3.8's dialect (the VM is `vm`), except OURS_CURRENT's.
            if ((dialect == "3.8") != (app in OURS_CURRENT) and
                    (ours / "devices.camkes").exists()):
                yield label, m, "qemu-arm-virt", "qemu-arm-virt (ours)", ours, defines


def first_error(text):
    for line in text.splitlines():
        if "error:" in line:
            return line.strip()
    return text.strip().splitlines()[0] if text.strip() else "(no output)"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    ap.add_argument("--bulkhead", type=Path, default=ROOT / "build/debug/tools/bulkhead/bulkhead")
    ap.add_argument("--work", type=Path, default=ROOT / "build/upstream")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if not args.bulkhead.exists():
        print(f"upstream_apps: skipped, no {args.bulkhead}")
        return 0
    results = []
    for dialect, name, rev, subdir in SOURCES:
        repo = args.mirrors / name / "repo"
        if not repo.exists():
            print(f"upstream_apps: skipped {dialect}, no fetched copy at {repo}")
            continue
        tree = args.work / f"{name}@{rev}"
        export(repo, rev, subdir, tree)
        for app, main_file, platform, label, extra_dir, defines in pairs(dialect, tree / subdir):
            dtb = dtb_for(platform, args.mirrors, args.work)
            app_dir = main_file.parent
            flags = CPP_FLAGS.get(app.split("/")[0], []) + defines
            cmd = [str(args.bulkhead), "--root", str(ROOT), "--app", str(main_file),
                   "--platform", platform] + [f"-D{d}" for d in flags]
            if dtb:
                cmd += ["--dtb", str(dtb)]
            # What upstream's CMake adds: the version folder (zcu102/<v>), the app's own
            # components/ and interfaces/ (CAmkESAddImportPath), include/.
            for inc in [extra_dir, app_dir / "components", app_dir / "interfaces",
                        app_dir / "include"]:
                if inc and inc.exists():
                    cmd += ["-I", str(inc)]
            r = subprocess.run(cmd, capture_output=True, text=True)
            out = r.stdout + r.stderr
            ok = r.returncode == 0 or ("has no board description" in out and
                                       out.count("error:") == 1)
            results.append((dialect, app, label, ok, "" if ok else first_error(out)))
            if args.verbose and not ok:
                print(" ".join(cmd))
    width = max((len(f"{d} {a} {p}") for d, a, p, _, _ in results), default=0)
    for d, a, p, ok, err in results:
        print(f"{f'{d} {a} {p}':<{width}}  {'pass' if ok else 'FAIL'}  {err}")
    passed = sum(1 for r in results if r[3])
    print(f"{passed} of {len(results)} app x platform pairs pass the tool")
    return 0


if __name__ == "__main__":
    sys.exit(main())
