#!/bin/sh
# Fetches Debian's arm64 libfdt.a (libfdt-dev:arm64) for the target build without
# installing anything: apt-get download into the Bulkhead cache, dpkg-deb -x, copy.
# Usage: fetch-libfdt-arm64.sh OUT_DIR   (writes OUT_DIR/libfdt.a)
set -eu
out="$1"
cache="${BULKHEAD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bulkhead}/libfdt-arm64"
mkdir -p "$cache" "$out"
if [ ! -f "$cache/root/usr/lib/aarch64-linux-gnu/libfdt.a" ]; then
    cd "$cache"
    if ! ls libfdt-dev_*_arm64.deb >/dev/null 2>&1; then
        apt-get download -q libfdt-dev:arm64 >/dev/null 2>&1 || {
            echo "fetch-libfdt-arm64: apt-get download libfdt-dev:arm64 failed" \
                 "(is the arm64 architecture enabled? see scripts/install-deps.sh)" >&2
            exit 1
        }
    fi
    rm -rf root
    dpkg-deb -x "$(ls libfdt-dev_*_arm64.deb | head -n 1)" root
fi
cp "$cache/root/usr/lib/aarch64-linux-gnu/libfdt.a" "$out/libfdt.a"
