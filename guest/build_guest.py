#!/usr/bin/env python3
"""Guest image recipe: Debian's arm64 cloud kernel plus a busybox initramfs.

Downloads the packages pinned in guest.lock with `apt-get download` into a cache
outside the source tree (no network when the cache is warm), then writes
  OUT/linux         the arm64 Image
  OUT/linux-initrd  gzip'd newc cpio: busybox, the kernel's virtio modules (loaded
                    by /init in dependency order), /init, and the overlay folders
"""
import argparse
import gzip
import io
import os
import shutil
import stat
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import debfetch  # noqa: E402  (the project's Debian download cache)

HERE = Path(__file__).resolve().parent
# Modules /init loads; their dependencies are added and ordered automatically.
WANTED_MODULES = ["virtio_pci", "virtio_mmio", "virtio_net", "virtio_console",
                  "virtio_blk", "virtio-rng"]
# An overlay asks for more (e.g. guest/crossvm's uio_pci_generic) with one name per line in
# its etc/bulkhead-modules file.
OVERLAY_MODULES = "etc/bulkhead-modules"


def overlay_modules(overlays):
    names = []
    for overlay in overlays:
        wanted = Path(overlay) / OVERLAY_MODULES
        if wanted.is_file():
            names += [n.strip() for n in wanted.read_text().splitlines() if n.strip()]
    return names


def log(msg):
    print(f"guest: {msg}", file=sys.stderr, flush=True)


def read_lock(path):
    lock = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            lock[key.strip()] = value.strip()
    for key in ("kernel_package", "kernel_version", "busybox_package", "busybox_version"):
        if key not in lock:
            sys.exit(f"guest: {path}: missing '{key}='")
    return lock


def fetch_pinned(pkg, version, resolve_latest):
    """The pinned .deb; if the archive dropped that version, the current one, with a warning."""
    cache = debfetch.cache_dir()
    if debfetch.cached(cache, pkg, version):
        return debfetch.fetch(pkg, version)
    debfetch.ensure_lists(pkg)
    if not debfetch.available(pkg, version):
        pkg2, version2 = resolve_latest()
        log(f"WARNING: {pkg} {version} from guest.lock is no longer in the archive; "
            f"using {pkg2} {version2} instead (run `make guest-lock` to record it)")
        pkg, version = pkg2, version2
    return debfetch.fetch(pkg, version)


def latest_kernel():
    pkg = debfetch.depends_on("linux-image-cloud-arm64", "linux-image-")
    if not pkg:
        sys.exit("guest: cannot resolve linux-image-cloud-arm64:arm64")
    return pkg, debfetch.candidate(pkg)


def module_depends(ko):
    data = ko.read_bytes()
    idx = data.find(b"\0depends=")
    if idx < 0:
        return []
    end = data.index(b"\0", idx + 1)
    deps = data[idx + 9:end].decode()
    return [d for d in deps.split(",") if d]


def module_order(moddir, wanted):
    """Topologically sorted list of module paths so that each loads after its dependencies."""
    index = {ko.stem.replace("-", "_"): ko for ko in moddir.rglob("*.ko")}
    order, seen = [], set()

    def visit(name, chain):
        key = name.replace("-", "_")
        if key in seen:
            return
        if key in chain:
            sys.exit(f"guest: module dependency cycle through {key}")
        if key not in index:
            sys.exit(f"guest: module {name} is not in {moddir}")
        for dep in module_depends(index[key]):
            visit(dep, chain | {key})
        seen.add(key)
        order.append(index[key])

    for name in wanted:
        visit(name, frozenset())
    return order


class Cpio:
    """Writes a newc ("070701") archive; owners root, mtimes 0, so builds are reproducible."""

    def __init__(self):
        self.buf = io.BytesIO()
        self.ino = 1

    def _entry(self, name, mode, data=b"", rdev=(0, 0)):
        name_b = name.encode() + b"\0"
        fields = [self.ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(name_b), 0]
        self.ino += 1
        self.buf.write(b"070701" + b"".join(b"%08X" % f for f in fields))
        self.buf.write(name_b)
        self.buf.write(b"\0" * (-(110 + len(name_b)) % 4))
        self.buf.write(data)
        self.buf.write(b"\0" * (-len(data) % 4))

    def directory(self, name):
        self._entry(name, stat.S_IFDIR | 0o755)

    def file(self, name, data, mode=0o644):
        self._entry(name, stat.S_IFREG | mode, data)

    def symlink(self, name, target):
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def chardev(self, name, major, minor):
        self._entry(name, stat.S_IFCHR | 0o600, rdev=(major, minor))

    def tree(self, root, prefix, skip=None):
        for path in sorted(Path(root).rglob("*")):
            if path.relative_to(root).as_posix() == skip:
                continue
            rel = prefix + "/" + path.relative_to(root).as_posix()
            if path.is_symlink():
                self.symlink(rel, os.readlink(path))
            elif path.is_dir():
                self.directory(rel)
            else:
                mode = 0o755 if os.access(path, os.X_OK) else 0o644
                self.file(rel, path.read_bytes(), mode)

    def finish(self):
        self._entry("TRAILER!!!", 0)
        return self.buf.getvalue()


def build_initrd(kernel_root, busybox_root, overlays, out):
    release = next((kernel_root / "lib/modules").iterdir()).name
    moddir = kernel_root / "lib/modules" / release
    order = module_order(moddir, WANTED_MODULES + overlay_modules(overlays))
    cpio = Cpio()
    for d in ("bin", "sbin", "dev", "etc", "etc/bulkhead.d", "proc", "sys", "tmp", "root",
              "usr", "usr/bin", "usr/sbin", "lib", "lib/modules", "mnt"):
        cpio.directory(d)
    cpio.chardev("dev/console", 5, 1)
    cpio.chardev("dev/null", 1, 3)
    cpio.file("bin/busybox", (busybox_root / "bin/busybox").read_bytes(), 0o755)
    cpio.symlink("bin/sh", "busybox")
    for ko in order:
        cpio.file("lib/modules/" + ko.name, ko.read_bytes())
    cpio.file("lib/modules/load-order", "".join(ko.name + "\n" for ko in order).encode())
    cpio.file("init", (HERE / "init").read_bytes(), 0o755)
    for overlay in overlays:
        if Path(overlay).is_dir():
            cpio.tree(overlay, "", skip=OVERLAY_MODULES)
    out.write_bytes(gzip.compress(cpio.finish(), compresslevel=6, mtime=0))
    return release, [ko.stem for ko in order]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="folder for linux and linux-initrd")
    ap.add_argument("--overlay", action="append", default=[], help="folder merged into the initramfs")
    ap.add_argument("--lock", default=str(HERE / "guest.lock"))
    ap.add_argument("--board-kernel", action="store_true",
                    help="Debian's generic arm64 kernel, the package the board DTBs come from "
                         "(scripts/board_dtb.py), instead of guest.lock's cloud kernel: it has the "
                         "SoC drivers the cloud flavour leaves out (e.g. ZynqMP's firmware interface)")
    args = ap.parse_args()

    lock = read_lock(Path(args.lock))
    if args.board_kernel:
        import board_dtb  # noqa: E402  (scripts/, on the path above)
        kdeb = board_dtb.linux_image_deb()
    else:
        kdeb = fetch_pinned(lock["kernel_package"], lock["kernel_version"], latest_kernel)
    bdeb = fetch_pinned(lock["busybox_package"], lock["busybox_version"],
                        lambda: (lock["busybox_package"], debfetch.candidate(lock["busybox_package"])))
    kroot, broot = debfetch.unpack(kdeb), debfetch.unpack(bdeb)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    images = sorted((kroot / "boot").glob("vmlinuz-*"))
    if not images:
        sys.exit(f"guest: no vmlinuz in {kdeb}")
    if images[0].read_bytes()[56:60] != b"ARM\x64":
        sys.exit(f"guest: {images[0]} is not an arm64 Image (no 'ARM\\x64' magic)")
    shutil.copyfile(images[0], out / "linux")
    release, mods = build_initrd(kroot, broot, args.overlay, out / "linux-initrd")
    (out / "guest.version").write_text(f"{kdeb.name}\n{release}\n")
    log(f"{out}/linux from {kdeb.name}; initrd with modules {' '.join(mods)}")


if __name__ == "__main__":
    main()
