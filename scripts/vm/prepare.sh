#!/usr/bin/env bash
# Everything the real-kernel tests (test/kernel/vm.test.ts) need, idempotent and cached under
# .cache/vm/: host tools, Debian's kernel image, the CMA kernel (~6 min the first time), the
# native addon, the initramfs base layer. CI runs this before `npm test`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
t0=$(date +%s)
step() { echo "vm prepare: $1 ($(( $(date +%s) - t0 )) s)" >&2; }

bash "$here/setup.sh"
step "host tools ready"
echo "vm prepare: debian kernel $(bash "$here/fetch-kernel.sh")" >&2
echo "vm prepare: cma kernel $(bash "$here/build-cma-kernel.sh")" >&2
step "kernels ready"

addon="$root/bindings/node/build/Release/heapwise.node"
if [ ! -f "$addon" ] || [ -n "$(find "$root/bindings/node/src" "$root/bindings/node/binding.gyp" -newer "$addon" 2>/dev/null)" ]; then
  gyp="$root/node_modules/.bin/node-gyp"
  [ -x "$gyp" ] || { echo "vm prepare: $gyp missing; run npm ci first" >&2; exit 1; }
  # --nodedir=/usr: build against the installed Node's headers instead of downloading them.
  (cd "$root" && "$gyp" rebuild --directory bindings/node --nodedir=/usr >&2)
  step "addon built"
fi

# The C library, for the C example the guest runs (test/kernel/guest/cases-simulate.ts).
make -C "$root/bindings/c" >/dev/null
step "C library built"

bash "$here/initramfs.sh" >/dev/null
step "initramfs ready; done"
