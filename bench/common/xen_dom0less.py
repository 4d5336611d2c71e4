"""Xen dom0less as a third way to boot the direct boot's guest (bench/workload --xen).

Xen comes from Debian's `xen-hypervisor-4.17-arm64` package, downloaded once with
`apt-get download` into the cache (~/.cache/bulkhead/xen, or $BULKHEAD_XEN_CACHE) and
unpacked with `dpkg-deb -x` (never installed: it is an arm64 package on this host).
The guest is the direct boot's: its kernel, initrd and command line become one dom0less
domU (no dom0). QEMU's DTB for the same machine is dumped (`-machine ...,dumpdtb=`) and
given a /chosen/domU1 node (`xen,domain`, with `multiboot,kernel` and
`multiboot,ramdisk` module children) with fdtput; the kernel and initrd are loaded raw
at the addresses those modules name (`-device loader`).

Console: the domU gets Xen's emulated PL011 (`vpl011`), so the guest's command line
(`console=ttyAMA0`) stays the same. Its output reaches QEMU's serial port through Xen's
console (lines prefixed `(XEN) `); input goes to dom0 after boot until Ctrl-A is typed
three times (SWITCH_INPUT), and Xen's emulated UART keeps 32 characters, so lines are
typed in short pieces (PinnedQemu.send_paced).
"""
import os
import shlex
import shutil
import subprocess

PACKAGE = "xen-hypervisor-4.17-arm64"
IMAGE = "boot/xen-4.17-arm64"
# Null scheduler (one vCPU per physical CPU: nothing to schedule) and WFI not trapped:
# what Xen's documentation recommends for a statically partitioned domU, the setting in
# which Xen's guest runs best.
DEFAULT_ARGS = "console=dtuart sched=null vwfi=native"
SWITCH_INPUT = b"\x01\x01\x01"
INPUT_SWITCHED = r"Serial input to DOM1"
# Where the domU's kernel and initrd are loaded: above what QEMU uses for Xen's image
# (RAM base + 2 MiB) and the DTB (RAM base + 128 MiB).
MODULES_OFFSET = 256 << 20
# Xen's own memory next to the domU's.
XEN_MIB = 512


def cache_dir():
    return os.environ.get("BULKHEAD_XEN_CACHE",
                          os.path.join(os.path.expanduser("~"), ".cache", "bulkhead", "xen"))


def fetch():
    """The path of Xen's image, downloading and unpacking the package if needed; or
    (None, why not)."""
    root = cache_dir()
    image = os.path.join(root, "x", IMAGE)
    if os.path.exists(image):
        return image, None
    for tool in ("apt-get", "dpkg-deb", "fdtput"):
        if shutil.which(tool) is None:
            return None, f"{tool} not found"
    os.makedirs(root, exist_ok=True)
    got = subprocess.run(["apt-get", "download", f"{PACKAGE}:arm64"], cwd=root,
                         capture_output=True, text=True, check=False)
    debs = [f for f in os.listdir(root) if f.startswith(PACKAGE) and f.endswith(".deb")]
    if not debs:
        why = (got.stderr.strip().splitlines() or ["no package"])[-1]
        return None, (f"`apt-get download {PACKAGE}:arm64` failed ({why}); it needs "
                      "`dpkg --add-architecture arm64` and `apt-get update`")
    subprocess.run(["dpkg-deb", "-x", os.path.join(root, sorted(debs)[-1]),
                    os.path.join(root, "x")], check=True)
    if not os.path.exists(image):
        return None, f"{PACKAGE} has no {IMAGE}"
    return image, None


def _options(words):
    """{option: value} of a QEMU command's `-opt value` pairs (the last one wins)."""
    return {w: v for w, v in zip(words, words[1:]) if w.startswith("-")}


def command(direct, image, workdir, xen_args=DEFAULT_ARGS):
    """The QEMU command booting Xen with the guest of `direct` (the direct boot's QEMU
    command, shell words) as its only domain; writes the DTB into `workdir`."""
    words = shlex.split(direct)
    opt = _options(words)
    qemu, machine, cpu = words[0], opt["-machine"], opt["-cpu"]
    guest_mib = int(opt["-m"])
    kernel, initrd = opt["-kernel"], opt["-initrd"]
    mib = guest_mib + XEN_MIB
    dtb = os.path.join(workdir, "xen-dom0less.dtb")
    if "-dtb" in opt:
        shutil.copyfile(opt["-dtb"], dtb)
    else:
        subprocess.run([qemu, "-machine", f"{machine},dumpdtb={dtb}", "-cpu", cpu, "-m",
                        str(mib), "-display", "none", "-nic", "none"],
                       check=True, capture_output=True)
    ram_base = 0x40000000  # QEMU virt's RAM
    kernel_at = ram_base + MODULES_OFFSET
    initrd_at = kernel_at + ((os.path.getsize(kernel) + (2 << 20) - 1) & ~((2 << 20) - 1))
    domu = "/chosen/domU1"

    def put(*args):
        subprocess.run(["fdtput", dtb, *args], check=True)

    put("-t", "s", "/chosen", "xen,xen-bootargs", xen_args)
    put("-c", domu)
    put("-t", "s", domu, "compatible", "xen,domain")
    put("-t", "x", domu, "#address-cells", "2")
    put("-t", "x", domu, "#size-cells", "2")
    put("-t", "x", domu, "memory", "0", f"{guest_mib * 1024:x}")  # KiB
    put("-t", "x", domu, "cpus", "1")
    put("-t", "s", domu, "vpl011", "")
    for kind, path, at in (("kernel", kernel, kernel_at), ("ramdisk", initrd, initrd_at)):
        node = f"{domu}/module@{at:x}"
        put("-c", node)
        put("-t", "s", node, "compatible", f"multiboot,{kind}", "multiboot,module")
        put("-t", "x", node, "reg", "0", f"{at:x}", "0", f"{os.path.getsize(path):x}")
    put("-t", "s", f"{domu}/module@{kernel_at:x}", "bootargs", opt.get("-append", ""))
    return " ".join(shlex.quote(w) for w in [
        qemu, "-machine", machine, "-cpu", cpu, "-m", str(mib), "-display", "none",
        "-monitor", "none", "-serial", "stdio", "-nic", "none", "-kernel", image, "-dtb", dtb,
        "-device", f"loader,file={kernel},addr={kernel_at:#x},force-raw=on",
        "-device", f"loader,file={initrd},addr={initrd_at:#x},force-raw=on"])
