#!/usr/bin/env python3
"""A board's DTB from Debian's packages, with the board folder's fix-ups.

usage: board_dtb.py SOURCE OUT [FIXUPS]

SOURCE is a board's platform.cmake DTB_SOURCE:
  debian:<path>         the DTB under usr/lib/linux-image-*/ of linux-image-arm64
                        (e.g. debian:xilinx/zynqmp-zcu102-rev1.0.dtb);
  linux-source:<path>   a .dts under arch/arm64/boot/dts/ of linux-source-6.1, compiled with
                        cpp and dtc (the tarball's include/dt-bindings and input-event-codes.h),
                        for a board whose DTB Debian does not ship (tx2).
The packages go through scripts/debfetch.py's cache (apt-get download, dpkg-deb -x, never
installed), so later builds work offline. FIXUPS, when given, is a file of fdtput argument
lines (the DTB path is inserted after the options; a line starting with '#' is a comment)
applied in order, e.g. what a board needs under QEMU that its firmware would give it.
"""
import shlex
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import debfetch  # noqa: E402


def linux_image_deb():
    pkg = debfetch.depends_on("linux-image-arm64", "linux-image-")
    if pkg is None:
        debfetch.ensure_lists("linux-image-arm64")
        pkg = debfetch.depends_on("linux-image-arm64", "linux-image-")
    if pkg is not None:
        return debfetch.fetch(pkg)
    # Offline with the lists gone: any cached linux-image-*-arm64 will do.
    hits = sorted(debfetch.cache_dir().glob("linux-image-*[0-9]-arm64_*_arm64.deb"))
    if not hits:
        sys.exit("board_dtb: cannot resolve linux-image-arm64:arm64")
    return hits[-1]


def linux_source_deb():
    cache = debfetch.lock_cache()
    hits = sorted(cache.glob("linux-source-6.1_*_all.deb"))
    if hits:
        return hits[-1]
    debfetch.ensure_lists("linux-source-6.1")
    version = debfetch.candidate("linux-source-6.1")
    if version is None:
        sys.exit("board_dtb: Debian's archive has no linux-source-6.1")
    cache.mkdir(parents=True, exist_ok=True)
    subprocess.run(["apt-get", "download", "-q", f"linux-source-6.1={version}"], cwd=cache,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    hits = sorted(cache.glob("linux-source-6.1_*_all.deb"))
    if not hits:
        sys.exit("board_dtb: apt-get download linux-source-6.1 left no .deb")
    return hits[-1]


def dts_tree():
    """arch/arm64/boot/dts and the headers the .dts files include, from linux-source-6.1's
    tarball, extracted once into the download cache."""
    deb = linux_source_deb()
    debfetch.lock_cache()
    tree = deb.parent / ("dts-arm64-" + deb.stem)
    if (tree / ".done").exists():
        return tree
    tarballs = sorted(debfetch.unpack(deb).glob("usr/src/linux-source-*.tar.xz"))
    if not tarballs:
        sys.exit(f"board_dtb: {deb.name} has no kernel tarball")
    print(f"board_dtb: extracting device-tree sources from {tarballs[0].name}", file=sys.stderr)
    if tree.exists():
        shutil.rmtree(tree)
    tree.mkdir(parents=True)
    wanted = ("arch/arm64/boot/dts/", "include/dt-bindings/",
              "include/uapi/linux/input-event-codes.h")
    with tarfile.open(tarballs[0]) as tar:
        members = []
        for m in tar:
            rel = m.name.split("/", 1)[1] if "/" in m.name else ""
            if any(rel.startswith(w) for w in wanted):
                m.name = rel
                members.append(m)
        tar.extractall(tree, members=members)
    (tree / ".done").touch()
    return tree


def compile_dts(dts, out):
    tree = dts_tree()
    source = tree / "arch/arm64/boot/dts" / dts
    if not source.exists():
        sys.exit(f"board_dtb: linux-source-6.1 has no arch/arm64/boot/dts/{dts}")
    pre = subprocess.run(["cpp", "-nostdinc", "-undef", "-x", "assembler-with-cpp", "-D__DTS__",
                          "-I", str(tree / "include"), "-I", str(tree / "arch/arm64/boot/dts"),
                          str(source)], check=True, capture_output=True, text=True).stdout
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(out), "-"], input=pre,
                   check=True, text=True)


def apply_fixups(dtb, fixups):
    for lineno, line in enumerate(Path(fixups).read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        args = shlex.split(line)
        # fdtput OPTIONS DTB NODE [PROP [VALUES]]: options (and their values) first.
        split = 0
        while split < len(args) and args[split].startswith("-"):
            split += 2 if args[split] in ("-t",) else 1
        cmd = ["fdtput", *args[:split], str(dtb), *args[split:]]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"{fixups}:{lineno}: fdtput failed: {r.stderr.strip()}")


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__)
        return 2
    source, out = argv[0], Path(argv[1])
    kind, _, inner = source.partition(":")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    if kind == "debian":
        root = debfetch.unpack(linux_image_deb())
        found = sorted(root.glob("usr/lib/linux-image-*/" + inner))
        if not found:
            sys.exit(f"board_dtb: linux-image-arm64 has no {inner}")
        shutil.copyfile(found[0], tmp)
    elif kind == "linux-source":
        compile_dts(inner, tmp)
    else:
        sys.exit(f"board_dtb: DTB source '{source}' is neither debian:<path> nor "
                 "linux-source:<path>")
    if len(argv) == 3:
        # Room for the fix-ups' new nodes and properties.
        subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dtb", "-p", "4096", "-o", str(tmp), str(tmp)],
                       check=True)
        apply_fixups(tmp, argv[2])
    tmp.rename(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
