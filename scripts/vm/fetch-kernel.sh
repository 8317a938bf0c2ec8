#!/usr/bin/env bash
# Fetches Debian's bookworm-backports generic amd64 kernel image (DMA-BUF heaps + udmabuf)
# without installing it: no initramfs-tools, no bootloader, nothing in the machine's apt state.
# Prints the path of the cached vmlinuz on stdout.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/versions.sh"
source "$here/backports.sh"

out="$VM_CACHE/debian-$KERNEL_DEB_VERSION"
if [ -s "$out/vmlinuz" ]; then echo "$out/vmlinuz"; exit 0; fi
# --cached-only: answer from the cache or fail (run.mjs must not start a download or a build).
if [ "${1:-}" = "--cached-only" ]; then echo "$(basename "$0"): no cached kernel at $out; run scripts/vm/fetch-kernel.sh or scripts/vm/prepare.sh" >&2; exit 3; fi

command -v dpkg-deb >/dev/null || { echo "fetch-kernel: dpkg-deb missing" >&2; exit 1; }
bpo_update
work=$(mktemp -d "$VM_CACHE/fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$work" && bpo_download "$KERNEL_IMAGE_PKG" "$KERNEL_DEB_VERSION")
deb=$(ls "$work"/*.deb)
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work" --wildcards './boot/vmlinuz-*' './boot/config-*'
mkdir -p "$out"
mv "$work"/boot/vmlinuz-* "$out/vmlinuz"
mv "$work"/boot/config-* "$out/config"
echo "$KERNEL_DEB_VERSION" > "$out/version"
echo "fetch-kernel: cached $KERNEL_IMAGE_PKG $KERNEL_DEB_VERSION in $out" >&2
echo "$out/vmlinuz"
