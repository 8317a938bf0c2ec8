#!/usr/bin/env bash
# Builds the guest's initramfs as two gzip'd newc layers (the kernel unpacks concatenated
# archives in order), and prints their paths:
#   base: static busybox, node and the libraries ldd lists, /init    (cached by content hash)
#   app:  the project under /app: test/kernel/guest/ (bundled by esbuild, host/ code inside),
#         bin/ and dist/ if present, bindings/node/build/Release/heapwise.node, policies/*/build/*.wasm,
#         examples/, schemas/, package.json, the runtime node_modules  (rebuilt each call)
# run.mjs appends a third, tiny layer with /command.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${HEAPWISE_VM_CACHE:-$root/.cache/vm}"
mkdir -p "$cache"

node_bin="$(readlink -f "$(command -v node)")"
busybox=/bin/busybox
[ -x "$busybox" ] || { echo "initramfs: $busybox missing; run scripts/vm/setup.sh" >&2; exit 1; }

# Everything the dynamic loader needs for node and the addon, as ldd reports it.
libs() { ldd "$@" | grep -Eo '/[^ ]+\.so[^ ]*' | sort -u; }

addon="$root/bindings/node/build/Release/heapwise.node"
[ -f "$addon" ] || { echo "initramfs: $addon missing; build it: npm exec -- node-gyp rebuild --directory bindings/node --nodedir=/usr" >&2; exit 1; }

base_key=$( { sha256sum "$node_bin" "$busybox" "$here/guest-init.sh" "$here/initramfs.sh"; libs "$node_bin" "$addon" | xargs sha256sum; } | sha256sum | cut -c1-16)
base="$cache/initramfs-base-$base_key.cpio.gz"
if [ ! -s "$base" ]; then
  stage=$(mktemp -d "$cache/stage-base.XXXXXX")
  trap 'rm -rf "$stage"' EXIT
  mkdir -p "$stage"/{bin,usr/bin,proc,sys,dev,tmp,app,etc}
  cp "$busybox" "$stage/bin/busybox"
  cp "$node_bin" "$stage/usr/bin/node"
  for lib in $(libs "$node_bin" "$addon"); do
    mkdir -p "$stage$(dirname "$lib")"
    cp -L "$lib" "$stage$lib"
  done
  install -m 0755 "$here/guest-init.sh" "$stage/init"
  echo "root:x:0:0:root:/tmp:/bin/sh" > "$stage/etc/passwd"
  echo "nobody:x:65534:65534:nobody:/tmp:/bin/sh" >> "$stage/etc/passwd"
  (cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -1 > "$base.$$.tmp")
  mv "$base.$$.tmp" "$base"
  rm -rf "$stage"
  # Older base layers are dead weight once the inputs changed.
  find "$cache" -maxdepth 1 -name 'initramfs-base-*.cpio.gz' ! -name "$(basename "$base")" -delete
  trap - EXIT
  echo "initramfs: built base layer $(du -h "$base" | cut -f1)" >&2
fi

app="$cache/initramfs-app.cpio.gz"
stage=$(mktemp -d "$cache/stage-app.XXXXXX")
trap 'rm -rf "$stage"' EXIT
dst="$stage/app"
mkdir -p "$dst"
cd "$root"
cp package.json "$dst/"
# The guest runs Node 20, which cannot run TypeScript: bundle each guest entry point (the
# runner and the child processes it spawns) with esbuild. Bundling, not per-file transpiling,
# because host/ imports JSON schemas without import attributes, which only a bundler resolves.
mapfile -t entries < <(ls test/kernel/guest/run.ts test/kernel/guest/*-child.ts 2>/dev/null)
if [ ${#entries[@]} -gt 0 ]; then
  "$root/node_modules/.bin/esbuild" "${entries[@]}" --bundle --packages=external --outbase=. --outdir="$dst" \
    --format=esm --platform=node --target=node20 --log-level=warning
fi
for dir in bin dist examples schemas; do
  if [ -d "$dir" ]; then cp -r "$dir" "$dst/"; fi
done
# The runtime dependencies (ajv for platform validation, commander for the CLI...), not the
# dev ones: the guest runs the library and the CLI, never the build.
{ npm ls --omit=dev --all --parseable 2>/dev/null || true; } | sed "s|^$root/||" | grep '^node_modules/' |
  grep -v '^node_modules/node-addon-api$' | while read -r dep; do
  mkdir -p "$dst/$(dirname "$dep")" && cp -r "$dep" "$dst/$dep"
done
mkdir -p "$dst/bindings/node/build/Release"
cp "$addon" "$dst/bindings/node/build/Release/"
for wasm in policies/*/build/*.wasm; do
  if [ -f "$wasm" ]; then mkdir -p "$dst/$(dirname "$wasm")"; cp "$wasm" "$dst/$wasm"; fi
done
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -1 > "$app.$$.tmp")
mv "$app.$$.tmp" "$app"
echo "$base"
echo "$app"
