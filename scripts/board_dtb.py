#!/usr/bin/env python3
"""A board's DTB from Debian's linux-image-arm64, with the board folder's fix-ups.

usage: board_dtb.py DTB_IN_PACKAGE OUT [FIXUPS]

DTB_IN_PACKAGE is the path under usr/lib/linux-image-*/ (e.g. xilinx/zynqmp-zcu102-rev1.0.dtb).
The package goes through scripts/debfetch.py's cache (apt-get download of the arm64 package,
dpkg-deb -x, never installed), so later builds work offline. FIXUPS, when given, is a file of
fdtput argument lines (the DTB path is inserted after the options; a line starting with '#'
is a comment)
applied in order, e.g. what a board needs under QEMU that its firmware would give it.
"""
import shlex
import shutil
import subprocess
import sys
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
    inner, out = argv[0], Path(argv[1])
    root = debfetch.unpack(linux_image_deb())
    found = sorted(root.glob("usr/lib/linux-image-*/" + inner))
    if not found:
        sys.exit(f"board_dtb: linux-image-arm64 has no {inner}")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    shutil.copyfile(found[0], tmp)
    if len(argv) == 3:
        # Room for the fix-ups' new nodes and properties.
        subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dtb", "-p", "4096", "-o", str(tmp), str(tmp)],
                       check=True)
        apply_fixups(tmp, argv[2])
    tmp.rename(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
