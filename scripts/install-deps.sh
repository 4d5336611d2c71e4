#!/bin/sh
# Installs the Debian packages Bulkhead builds and tests with. Idempotent: when
# everything is present it only checks and returns within a second or two.
set -eu

HOST_PKGS="g++ cmake ninja-build python3 cpio gzip g++-aarch64-linux-gnu \
binutils-aarch64-linux-gnu qemu-system-arm device-tree-compiler libfdt-dev libre2-dev \
googletest libgtest-dev clang clang-format clang-tidy libclang-rt-14-dev \
u-boot-qemu e2fsprogs"

missing=""
for p in $HOST_PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done
need_arm64=0
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    need_arm64=1
fi

if [ -z "$missing" ] && [ "$need_arm64" = 0 ]; then
    exit 0
fi

if [ "$(id -u)" != 0 ]; then
    echo "install-deps: missing packages:$missing" >&2
    echo "install-deps: run 'sudo $0' (or as root) to install them" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if [ "$need_arm64" = 1 ]; then
    echo "install-deps: enabling the arm64 architecture (guest packages are downloaded, never installed)"
    dpkg --add-architecture arm64
fi
echo "install-deps: installing:$missing"
apt-get update -q
# shellcheck disable=SC2086
[ -z "$missing" ] || apt-get install -y -q --no-install-recommends $missing
