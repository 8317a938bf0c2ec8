#!/usr/bin/env bash
# Host tools for the real-kernel harness, installed only when missing (CI machines start
# fresh): qemu (TCG: the machine's /dev/kvm cannot run stock kernels), a static busybox for
# the guest's /init, cpio and gzip for the initramfs, timeout (coreutils) as qemu's last guard.
set -euo pipefail
need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
# Only the static build runs in an initramfs without libraries.
{ [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1; } || need+=(busybox-static)
command -v cpio >/dev/null || need+=(cpio)
command -v gzip >/dev/null || need+=(gzip)
command -v dpkg-deb >/dev/null || need+=(dpkg)
command -v timeout >/dev/null || need+=(coreutils)
if [ ${#need[@]} -gt 0 ]; then
  echo "vm setup: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends "${need[@]}" >&2
fi
echo "vm setup: $(qemu-system-x86_64 --version | head -n1)" >&2
