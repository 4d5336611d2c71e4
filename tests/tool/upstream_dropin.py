#!/usr/bin/env python3
"""Builds and boots upstream's own top-level assembly of an app, unchanged, beside this
repository's <platform>/devices.camkes, guest and components (how issue 12 says the apps are
checked); for vm_multi also with upstream's own <platform>/devices.camkes and settings.cmake
(its CMake options, evaluated by cmake/AppSettings.cmake as the build evaluates an app's
settings, start the VMs' modules). Upstream's files are read from a fetched mirror with
`git show` into a scratch folder under build/, never into the tree.

Not run in CI (it needs the mirrors). For each entry of CHECKS: export the file, run the
bulkhead tool with the app's include folders and files as its CMake does, boot the image
in QEMU under tests/harness/qemu_expect.py with the entry's steps.

usage: upstream_dropin.py [--mirrors DIR] [--build DIR] [--platform P] [APP...]
"""
import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

HVC0 = r"vmm: virtio_con: virtio-console \(hvc0\) over virtio-mmio at 0x[0-9a-f]+, SPI [0-9]+, "
# vm_multi's guests: vm0's initrd and the clients' (the names upstream's devices.camkes use).
MULTI_FILES = {"linux-initrd-vm0": "vm_multi", "linux-initrd-vm-client": "vm_multi_client"}
MULTI_STEPS = ["--expect", r"(?s)(?=.*serial: serving 3 client\(s\) on the UART)"
               r"(?=.*MAC 02:00:00:00:aa:01, a switch of 2 port\(s\))",
               "--expect", "".join([r"(?s)"] + [rf"(?=.*\[vm{n}\] BULKHEAD-NET: vm{n} eth0)"
                                                for n in range(3)]),
               # Every shell up before vm1 is typed to (its prompt can come after vm0's).
               "--expect", "".join([r"(?s)"] + [rf"(?=.*\[vm{n}\] / # )" for n in range(3)]),
               "--send", "@1",
               "--expect", r"serial: input goes to vm1 \(@1\)",
               "--send", "ping -c 3 -W 2 192.168.1.1",
               "--expect", r"\[vm1\] 3 packets transmitted, 3 packets received"]
# upstream's vm_multi with its own devices.camkes (all three VMs on core 0, `debug
# loglevel=8` on hvc0) and settings.cmake: the three consoles come up to a prompt, and vm1
# answers a command.
MULTI_OWN_STEPS = ["--expect", r"(?s)(?=.*serial: serving 3 client\(s\) on the UART)",
                   "--expect", r"(?s)(?:vmm: virtio_con: virtio-console \(hvc0\).*?){3}",
                   "--expect", "".join([r"(?s)"] + [rf"(?=.*\[vm{n}\] / # )" for n in range(3)]),
                   "--send", "@1",
                   "--expect", r"serial: input goes to vm1 \(@1\)",
                   "--send", "echo ran-on-$(hostname)-$((6 * 7))",
                   "--expect", r"\[vm1\] ran-on-vm1-42"]
# (app, dialect, mirror, revision, path of the main assembly, harness steps[, more files:
# name -> the guest folder whose linux-initrd it is[, more of upstream's files of the app,
# relative to its folder, used instead of ours]])
CHECKS = [
    ("vm_serial_server", "3.8", "seL4+camkes-arm-vm", "camkes-3.8.x-compatible",
     "apps/vm_serial_server/vm_serial_server.camkes",
     ["--expect", HVC0 + "output by putchar, input by serial_getchar",
      "--expect", "BULKHEAD-HVC0: console is", "--md5", "PATTERN", "--expect", "# ",
      "--send", "echo shell-on-$(tty) $((6 * 7))", "--expect", "shell-on-/dev/hvc0 42"]),
    ("vm_serial_server", "current", "seL4+camkes-vm-examples", "HEAD",
     "apps/Arm/vm_serial_server/vm_serial_server.camkes",
     ["--expect", HVC0 + "output by batch, input by serial_getchar",
      "--expect", "BULKHEAD-HVC0: console is", "--md5", "PATTERN", "--expect", "# ",
      "--send", "echo shell-on-$(tty) $((6 * 7))", "--expect", "shell-on-/dev/hvc0 42"]),
    ("vm_multi", "current", "seL4+camkes-vm-examples", "HEAD",
     "apps/Arm/vm_multi/vm_multi.camkes", MULTI_STEPS, MULTI_FILES),
    ("vm_multi", "current-own-files", "seL4+camkes-vm-examples", "HEAD",
     "apps/Arm/vm_multi/vm_multi.camkes", MULTI_OWN_STEPS, MULTI_FILES,
     ["qemu-arm-virt/devices.camkes", "settings.cmake"]),
    # Upstream declares CrossvmInit and its VM inline; ours (CrossvmInit.elf, the VM's page)
    # match those definitions.
    ("vm_cross_connector", "current", "seL4+camkes-vm-examples", "HEAD",
     "apps/Arm/vm_cross_connector/vm_cross_connector.camkes",
     ["--expect", r"crossvm: crossvm_dp_0: PCI 00:1\.0, SPI [0-9]+, dataport 4096 bytes, "
      r"doorbell emits ready, interrupt on done",
      "--expect", "This is a crossvm dataport test string",
      "--expect", r'Got an event \(1\): dest reads "This is a test user string"',
      "--expect", "Finished crossvm test script"]),
    # Upstream's memdev shares guest RAM (vm_memdev.paddr/size in our devices.camkes): our
    # introspect_memdev reads the guest's numbers through its read-only window.
    ("vm_introspect", "current", "seL4+camkes-vm-examples", "HEAD",
     "apps/Arm/vm_introspect/vm_introspect.camkes",
     ["--expect", r"introspect: guest RAM window 0x40000000\.\.0x50000000 mapped read-only",
      "--expect", r"introspect: at 0x[0-9a-f]+: 0 1 1 2 3 5 8 13 21 34",
      "--expect", "Finished introspect test script"]),
]


def qemu_command(build: Path, platform: str) -> list[str]:
    """The QEMU command the suite's system tests use for the board (written by the build,
    cmake/SystemTest.cmake, from the board's folder: machine, memory, cores, CPU)."""
    path = build / "platform" / platform / "qemu-test-command.txt"
    if not path.exists():
        sys.exit(f"{path}: missing; configure the build first (make build)")
    return [l for l in path.read_text().splitlines() if l]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    ap.add_argument("--build", type=Path, default=ROOT / "build/debug")
    ap.add_argument("--platform", default="qemu-arm-virt")
    ap.add_argument("apps", nargs="*")
    args = ap.parse_args()
    b = args.build
    qemu = qemu_command(b, args.platform)
    failed = 0
    for app, dialect, mirror, rev, path, steps, *more in CHECKS:
        if args.apps and app not in args.apps:
            continue
        repo = args.mirrors / mirror / "repo"
        if not repo.exists():
            print(f"{app} ({dialect}): skipped, no fetched copy at {repo}")
            continue
        work = b / "upstream-dropin" / f"{app}-{dialect}"
        work.mkdir(parents=True, exist_ok=True)
        extra_files = more[0] if more else {}
        own = more[1] if len(more) > 1 else []
        for rel in [Path(path).name] + own:
            dest = work / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(subprocess.run(["git", "--git-dir", str(repo), "show",
                                             f"{rev}:{Path(path).parent / rel}"], check=True,
                                            capture_output=True).stdout)
        main_file = work / Path(path).name
        dtb = b / "platform" / args.platform / f"{args.platform}.dtb"
        ours = ROOT / "apps" / app
        # Upstream's devices.camkes, when taken, comes first on the include path.
        includes = ([work / args.platform] if f"{args.platform}/devices.camkes" in own else [])
        includes += [ours / args.platform, ours]
        settings = ROOT / "apps" / app / "settings.cmake"
        if "settings.cmake" in own:
            settings = work / "settings.cmake"
        guest = b / "guest" / app
        image = work / "image.elf"
        cmd = [str(b / "tools/bulkhead/bulkhead"), "--root", str(ROOT), "--platform",
               args.platform, "--dtb", str(dtb), "--app",
               str(main_file), "--image", str(image), "--kernel",
               str(b / "target/kernel/bulkhead_kernel.elf"), "--component-dir",
               str(b / "target/components"), "--component-dir", str(b / "target/apps" / app),
               *[a for d in includes for a in ("-I", str(d))],
               "--file", f"linux={guest / 'linux'}",
               "--file", f"linux-dtb={dtb}",
               "--file", f"linux-initrd={guest / 'linux-initrd'}",
               "--report", str(work / "report.txt")]
        for name, folder in extra_files.items():
            cmd += ["--file", f"{name}={b / 'guest' / folder / 'linux-initrd'}"]
        if settings.exists():
            # The build's own evaluation (cmake/AppSettings.cmake), in a process of its own.
            subprocess.run(["cmake", f"-DSETTINGS={settings}", f"-DPLATFORM={args.platform}",
                            f"-DOUT={work / 'settings.txt'}", "-P",
                            str(ROOT / "cmake/AppSettings.cmake")], check=True)
            cmd += ["--settings", str(work / "settings.txt")]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            print(f"{app} ({dialect}): FAIL to build: {(r.stdout + r.stderr).strip()}")
            failed += 1
            continue
        # As the suite's tests: on a machine whose core count is an option, QEMU gets the
        # cores the system runs on (cmake/SystemTest.cmake).
        cores = []
        if "-smp" in qemu:
            cores = ["--image-tool", str(b / "tools/image/bulkhead_image"), "--smp-of", str(image)]
        run = subprocess.run([sys.executable, str(ROOT / "tests/harness/qemu_expect.py"),
                              "--timeout", "120", "--log", str(work / "console.log"), *steps,
                              "--fail", "unhandled guest", "--fail", "set-up failed", *cores,
                              "--", *qemu, "-kernel", str(image)], capture_output=True, text=True)
        verdict = [l for l in run.stdout.splitlines() if l.startswith(("PASS", "FAIL"))]
        print(f"{app} ({dialect}): {verdict[0] if verdict else run.stdout.strip()}"
              f"  (log: {work / 'console.log'})")
        failed += run.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
