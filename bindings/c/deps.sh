#!/bin/sh
# Installs what the C host builds with, from Debian only: wabt (wasm2c, wat2wasm and the
# wasm2c runtime sources in /usr/src/wasm2c) and libjansson-dev (JSON with exact int64).
# Does nothing when both are present; otherwise apt-get update first, then a minimal install.
set -eu
missing=""
command -v wasm2c >/dev/null 2>&1 && [ -f /usr/src/wasm2c/wasm-rt-impl.c ] || missing="$missing wabt"
[ -f /usr/include/jansson.h ] || missing="$missing libjansson-dev"
command -v cc >/dev/null 2>&1 || missing="$missing gcc libc6-dev"
command -v make >/dev/null 2>&1 || missing="$missing make"
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
if [ -z "$missing" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "bindings/c/deps.sh: missing Debian packages:$missing (run as root or: sudo apt-get install$missing)" >&2
  exit 1
fi
echo "bindings/c/deps.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
