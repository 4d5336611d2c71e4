#!/usr/bin/env python3
"""Fetches arm64 packages from Debian's archive into Bulkhead's download cache.

Packages are downloaded with `apt-get download` and unpacked with `dpkg-deb -x`
under ${BULKHEAD_CACHE:-~/.cache/bulkhead}; they are never installed. With the
cache warm, nothing touches the network.

As a command:  debfetch.py PACKAGE[=VERSION] ...   prints each unpacked root folder.
As a module:   debfetch.fetch(pkg, version=None) -> Path of the .deb
               debfetch.unpack(deb) -> Path of the unpacked root
"""
import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path


def log(msg):
    print(f"debfetch: {msg}", file=sys.stderr, flush=True)


def cache_dir():
    if os.environ.get("BULKHEAD_CACHE"):
        return Path(os.environ["BULKHEAD_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "bulkhead"


_LOCK = None


def lock_cache():
    """Takes the cache's lock for the rest of this process: ninja runs several fetches at
    once (the board DTBs all come from one linux-image package), and two unpacking the
    same package into one folder would delete each other's files."""
    global _LOCK
    if _LOCK is None:
        cache = cache_dir()
        cache.mkdir(parents=True, exist_ok=True)
        _LOCK = open(cache / ".lock", "w")
        fcntl.flock(_LOCK, fcntl.LOCK_EX)
    return cache_dir()


def _query(*cmd):
    return subprocess.run(list(cmd), capture_output=True, text=True).stdout


def candidate(pkg):
    """The version apt would pick for pkg:arm64 (or pkg:all, for architecture-independent
    packages such as linux-source), or None."""
    for qualified in (f"{pkg}:arm64", f"{pkg}:all"):
        for line in _query("apt-cache", "policy", qualified).splitlines():
            if "Candidate:" in line:
                value = line.split(":", 1)[1].strip()
                if value != "(none)":
                    return value
    return None


def available(pkg, version):
    rows = _query("apt-cache", "madison", f"{pkg}:arm64").splitlines()
    return any(row.split("|")[1].strip() == version for row in rows if row.count("|") >= 2)


def depends_on(metapackage, prefix):
    """First dependency of metapackage:arm64 whose name starts with prefix."""
    for line in _query("apt-cache", "depends", f"{metapackage}:arm64").splitlines():
        line = line.strip()
        if line.startswith("Depends: " + prefix):
            return line.split()[1].split(":")[0]
    return None


def ensure_lists(pkg):
    """Makes sure apt knows arm64 packages (enables the architecture, updates lists)."""
    if candidate(pkg) is not None:
        return
    lock_cache()
    if candidate(pkg) is not None:  # another fetch updated them while this one waited
        return
    if "arm64" not in _query("dpkg", "--print-foreign-architectures").split():
        log("enabling dpkg architecture arm64 (packages are only downloaded, never installed)")
        subprocess.run(["dpkg", "--add-architecture", "arm64"], check=True)
    log("apt-get update (arm64 package lists missing)")
    subprocess.run(["apt-get", "update", "-q"], check=True, stdout=subprocess.DEVNULL)


def cached(cache, pkg, version):
    """The cached .deb of pkg (of that version, if given), or None."""
    pattern = f"{pkg}_*{version.split(':')[-1]}_arm64.deb" if version else f"{pkg}_*_arm64.deb"
    found = sorted(cache.glob(pattern))
    return found[-1] if found else None


def fetch(pkg, version=None):
    """Path of pkg's arm64 .deb in the cache; downloads it when missing.

    With no version, a cached copy of any version is used, else apt's candidate."""
    cache = lock_cache()
    hit = cached(cache, pkg, version)
    if hit:
        return hit
    ensure_lists(pkg)
    if version is None:
        version = candidate(pkg)
        if version is None:
            sys.exit(f"debfetch: Debian's archive has no {pkg}:arm64")
    log(f"downloading {pkg}:arm64 {version}")
    cache.mkdir(parents=True, exist_ok=True)
    subprocess.run(["apt-get", "download", "-q", f"{pkg}:arm64={version}"], cwd=cache, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    hit = cached(cache, pkg, version)
    if not hit:
        sys.exit(f"debfetch: apt-get download {pkg}:arm64={version} left no .deb in {cache}")
    return hit


def unpack(deb):
    """Unpacks deb once into the cache; returns the root folder."""
    lock_cache()
    dest = deb.parent / ("x-" + deb.stem)
    if not (dest / ".done").exists():
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        subprocess.run(["dpkg-deb", "-x", str(deb), str(dest)], check=True)
        (dest / ".done").touch()
    return dest


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    for spec in argv:
        pkg, _, version = spec.partition("=")
        print(unpack(fetch(pkg, version or None)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
