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
# runner and the child processes it spawns) with esbuild, packages included, so the suite
# needs nothing from node_modules. Bundling, not per-file transpiling, also because host/
# imports JSON schemas without import attributes, which only a bundler resolves. ESM builds of
# packages first (jsonc-parser's UMD build requires its own files at run time); the banner gives
# CommonJS packages the `require` they use for Node built-ins.
mapfile -t entries < <(ls test/kernel/guest/run.ts test/kernel/guest/*-child.ts 2>/dev/null)
if [ ${#entries[@]} -gt 0 ]; then
  "$root/node_modules/.bin/esbuild" "${entries[@]}" --bundle --outbase=. --outdir="$dst" \
    --format=esm --platform=node --target=node20 --log-level=warning --main-fields=module,main \
    --banner:js="import { createRequire as __hwRequire } from 'node:module'; const require = __hwRequire(import.meta.url);"
fi
for dir in bin dist examples schemas; do
  if [ -d "$dir" ]; then cp -r "$dir" "$dst/"; fi
done
# Runtime dependencies of bin/ and dist/ (the CLI, runnable by hand in the guest), minus the
# policy toolchain (assemblyscript, binaryen's native tools): 20 MB instead of 320 MB, which
# the guest would have to unpack into RAM.
{ npm ls --omit=dev --all --parseable 2>/dev/null || true; } | sed "s|^$root/||" | grep '^node_modules/' |
  grep -vE '^node_modules/(assemblyscript|@assemblyscript|node-addon-api)(/|$)' | while read -r dep; do
  mkdir -p "$dst/$(dirname "$dep")" && cp -r "$dep" "$dst/$dep"
done
rm -rf "$dst/node_modules/binaryen/bin"
mkdir -p "$dst/bindings/node/build/Release"
cp "$addon" "$dst/bindings/node/build/Release/"
for wasm in policies/*/build/*.wasm; do
  if [ -f "$wasm" ]; then mkdir -p "$dst/$(dirname "$wasm")"; cp "$wasm" "$dst/$wasm"; fi
done
# The guest suite's fixtures, and the C example linked statically (the guest has neither
# libjansson nor libheapwise.so on its library path); static glibc warns about dlopen, which the
# example's built-in policy does not use.
if [ -d test/kernel/guest/fixtures ]; then mkdir -p "$dst/test/kernel/guest"; cp -r test/kernel/guest/fixtures "$dst/test/kernel/guest/"; fi
if [ -f bindings/c/build/libheapwise.a ]; then
  mkdir -p "$dst/bindings/c/build"
  cc -O2 -static -Ibindings/c/include -o "$dst/bindings/c/build/compositor" examples/c/compositor.c \
    bindings/c/build/libheapwise.a -ljansson -lm -ldl -lpthread 2>/dev/null ||
    echo "initramfs: the static C example did not build" >&2
fi
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -1 > "$app.$$.tmp")
mv "$app.$$.tmp" "$app"
echo "$base"
echo "$app"
