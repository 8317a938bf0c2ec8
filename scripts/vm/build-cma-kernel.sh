#!/usr/bin/env bash
# Builds the small test kernel with a CMA heap (no Debian amd64 kernel has one) from Debian's
# own linux-source package, tinyconfig + cma-kernel.config. Cached under .cache/vm/ by a hash
# of the fragment, the source version and RECIPE, so it is built once per machine.
# Prints the path of the bzImage on stdout. Takes ~6 minutes on 2 cores.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/versions.sh"
source "$here/backports.sh"

# Bump RECIPE when the build steps below change in a way that changes the image.
RECIPE=1
key=$(cat "$here/cma-kernel.config" <(echo "$KERNEL_DEB_VERSION $RECIPE") | sha256sum | cut -c1-16)
out="$VM_CACHE/cma-$key"
if [ -s "$out/bzImage" ]; then echo "$out/bzImage"; exit 0; fi
# --cached-only: answer from the cache or fail (run.mjs must not start a download or a build).
if [ "${1:-}" = "--cached-only" ]; then echo "$(basename "$0"): no cached kernel at $out; run scripts/vm/build-cma-kernel.sh or scripts/vm/prepare.sh" >&2; exit 3; fi

# Build dependencies, installed only when missing (CI machines start fresh).
need=()
for tool in gcc:gcc make:make flex:flex bison:bison bc:bc xz:xz-utils perl:perl; do
  command -v "${tool%%:*}" >/dev/null || need+=("${tool#*:}")
done
[ -e /usr/include/libelf.h ] || need+=(libelf-dev)
[ -e /usr/include/openssl/ssl.h ] || need+=(libssl-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "build-cma-kernel: installing ${need[*]}" >&2
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >&2
fi

src="$VM_CACHE/src/linux-source-$KERNEL_DEB_VERSION"
if [ ! -e "$src/.extracted" ]; then
  bpo_update
  mkdir -p "$VM_CACHE/src"
  find_deb() { ls "$VM_CACHE/src/${KERNEL_SOURCE_PKG}_${KERNEL_DEB_VERSION}"_*.deb 2>/dev/null | head -n1; }
  [ -n "$(find_deb)" ] || (cd "$VM_CACHE/src" && bpo_download "$KERNEL_SOURCE_PKG" "$KERNEL_DEB_VERSION")
  deb=$(find_deb)
  rm -rf "$src" && mkdir -p "$src"
  echo "build-cma-kernel: extracting $(basename "$deb")" >&2
  dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$KERNEL_SOURCE_PKG.tar.xz" |
    tar -xJ -C "$src" --strip-components=1
  touch "$src/.extracted"
fi

build="$VM_CACHE/cma-build"
rm -rf "$build" && mkdir -p "$build"
mk() { make -C "$src" O="$build" ARCH=x86_64 "$@"; }
mk tinyconfig >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" "$here/cma-kernel.config" >/dev/null
mk olddefconfig >/dev/null

missing=0
while read -r line; do
  case "$line" in CONFIG_*=*) grep -qx "$line" "$build/.config" || { echo "build-cma-kernel: $line did not stick (missing dependency?)" >&2; missing=1; } ;; esac
done < "$here/cma-kernel.config"
[ $missing -eq 0 ] || exit 1

start=$(date +%s)
echo "build-cma-kernel: building in $build with $(nproc) jobs" >&2
mk -j"$(nproc)" bzImage >"$build/build.log" 2>&1 || { tail -n 40 "$build/build.log" >&2; exit 1; }
mkdir -p "$out"
cp "$build/arch/x86/boot/bzImage" "$out/bzImage"
cp "$build/.config" "$out/config"
make -s -C "$src" O="$build" ARCH=x86_64 kernelrelease > "$out/release"
echo "build-cma-kernel: built $(cat "$out/release") in $(( $(date +%s) - start )) s" >&2
# The extracted tree is 1.5 GB; the .deb stays, re-extracting takes well under a minute.
rm -rf "$build" "$src"
echo "$out/bzImage"
