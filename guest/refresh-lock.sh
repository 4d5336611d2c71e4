#!/bin/sh
# Re-resolves the guest packages through Debian's metapackage and rewrites guest.lock.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
pkg=$(apt-cache depends linux-image-cloud-arm64:arm64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
pkg=${pkg%:arm64}
[ -n "$pkg" ] || { echo "refresh-lock: cannot resolve linux-image-cloud-arm64:arm64 (run apt-get update?)" >&2; exit 1; }
kver=$(apt-cache policy "$pkg:arm64" | awk '/Candidate:/{print $2}')
bver=$(apt-cache policy busybox-static:arm64 | awk '/Candidate:/{print $2}')
cat > "$here/guest.lock" <<LOCK
# Guest packages from Debian's archive, pinned. Refresh with \`make guest-lock\`
# (resolves linux-image-cloud-arm64:arm64 through the metapackage again).
kernel_package=$pkg
kernel_version=$kver
busybox_package=busybox-static
busybox_version=$bver
LOCK
echo "guest.lock: $pkg $kver, busybox-static $bver"
