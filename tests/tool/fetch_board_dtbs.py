#!/usr/bin/env python3
"""Board DTBs from Debian for the tool's dtb() query tests.

  TX1: nvidia/tegra210-p2371-2180.dtb as shipped in linux-image-arm64 (arm64).
  TX2: arch/arm64/boot/dts/nvidia/tegra186-p2771-0000.dts from linux-source-6.1,
       compiled with cpp and dtc (with the tarball's include/dt-bindings and
       include/uapi/linux/input-event-codes.h).

Packages go through scripts/debfetch.py's cache (${BULKHEAD_CACHE:-~/.cache/bulkhead});
the results are cached there too, so later builds work offline.

usage: fetch_board_dtbs.py OUT_DIR   writes OUT_DIR/tx1.dtb and OUT_DIR/tx2.dtb
"""
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import debfetch  # noqa: E402

TX1_DTB = "nvidia/tegra210-p2371-2180.dtb"
TX2_DTS = "arch/arm64/boot/dts/nvidia/tegra186-p2771-0000.dts"


def log(msg):
    print(f"board-dtbs: {msg}", file=sys.stderr, flush=True)


def tx1(cache_out):
    pkg = debfetch.depends_on("linux-image-arm64", "linux-image-")
    if pkg is None:
        debfetch.ensure_lists("linux-image-arm64")
        pkg = debfetch.depends_on("linux-image-arm64", "linux-image-")
    if pkg is None:
        # Offline with the lists gone: any cached linux-image-*-arm64 will do.
        hits = sorted(debfetch.cache_dir().glob("linux-image-*[0-9]-arm64_*_arm64.deb"))
        if not hits:
            sys.exit("board-dtbs: cannot resolve linux-image-arm64:arm64")
        deb = hits[-1]
    else:
        deb = debfetch.fetch(pkg)
    root = debfetch.unpack(deb)
    found = sorted(root.glob("usr/lib/linux-image-*/" + TX1_DTB))
    if not found:
        sys.exit(f"board-dtbs: {deb.name} has no {TX1_DTB}")
    shutil.copyfile(found[0], cache_out)


def linux_source_deb():
    cache = debfetch.cache_dir()
    hits = sorted(cache.glob("linux-source-6.1_*_all.deb"))
    if hits:
        return hits[-1]
    debfetch.ensure_lists("linux-source-6.1")
    version = debfetch.candidate("linux-source-6.1")
    if version is None:
        sys.exit("board-dtbs: Debian's archive has no linux-source-6.1")
    log(f"downloading linux-source-6.1 {version}")
    cache.mkdir(parents=True, exist_ok=True)
    subprocess.run(["apt-get", "download", "-q", f"linux-source-6.1={version}"], cwd=cache, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    hits = sorted(cache.glob("linux-source-6.1_*_all.deb"))
    if not hits:
        sys.exit("board-dtbs: apt-get download linux-source-6.1 left no .deb")
    return hits[-1]


def tx2(cache_out):
    deb = linux_source_deb()
    root = debfetch.unpack(deb)
    tarballs = sorted(root.glob("usr/src/linux-source-*.tar.xz"))
    if not tarballs:
        sys.exit(f"board-dtbs: {deb.name} has no kernel tarball")
    tree = deb.parent / ("dts-" + deb.stem)
    if not (tree / ".done").exists():
        log(f"extracting device-tree sources from {tarballs[0].name}")
        if tree.exists():
            shutil.rmtree(tree)
        tree.mkdir(parents=True)
        wanted = ("arch/arm64/boot/dts/nvidia/", "include/dt-bindings/",
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
    pre = subprocess.run(["cpp", "-nostdinc", "-undef", "-x", "assembler-with-cpp", "-D__DTS__",
                          "-I", str(tree / "include"), "-I", str(tree / "arch/arm64/boot/dts"),
                          str(tree / TX2_DTS)], check=True, capture_output=True, text=True).stdout
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(cache_out), "-"], input=pre,
                   check=True, text=True)


def main(argv):
    if len(argv) != 1:
        print(__doc__)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    cache = debfetch.cache_dir() / "board-dtbs"
    cache.mkdir(parents=True, exist_ok=True)
    for name, build in (("tx1.dtb", tx1), ("tx2.dtb", tx2)):
        cached = cache / name
        if not cached.exists():
            build(cached.with_suffix(".tmp"))
            cached.with_suffix(".tmp").rename(cached)
        shutil.copyfile(cached, out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
