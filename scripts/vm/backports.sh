# Sourced, not run: a private apt state that can see bookworm-backports without touching the
# machine's own apt configuration (nothing gets installed from it, we only download .debs).
# Defines VM_CACHE, BPO_DIR and bpo_apt (apt-get with the private state).

VM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VM_CACHE="${HEAPWISE_VM_CACHE:-$VM_ROOT/.cache/vm}"
BPO_DIR="$VM_CACHE/apt"

# The Debian mirror the machine already uses, so no host name is written into the project.
bpo_mirror() {
  local m
  m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
    grep -Eo 'https?://[^ ]+/debian/?( |$)' | grep -v security | head -n1 | tr -d ' ')
  if [ -z "$m" ]; then
    echo "backports: no Debian mirror found in /etc/apt/sources.list{,.d/*}" >&2
    return 1
  fi
  echo "${m%/}"
}

bpo_apt() { bpo_tool apt-get "$@"; }
bpo_cache() { bpo_tool apt-cache "$@"; }
bpo_tool() {
  local tool="$1"; shift
  "$tool" -q \
    -o Dir::Etc::SourceList="$BPO_DIR/sources.list" \
    -o Dir::Etc::SourceParts=/dev/null \
    -o Dir::State::Lists="$BPO_DIR/lists" \
    -o Dir::State::Status=/dev/null \
    -o Dir::Cache="$BPO_DIR/cache" \
    -o Debug::NoLocking=true \
    -o APT::Sandbox::User=root \
    "$@"
}

# Refreshes the private lists at most once a day (they change when Debian publishes a new kernel).
bpo_update() {
  mkdir -p "$BPO_DIR/lists/partial" "$BPO_DIR/cache/archives/partial"
  local mirror
  mirror=$(bpo_mirror) || return 1
  echo "deb $mirror bookworm-backports main" > "$BPO_DIR/sources.list"
  if [ -z "$(find "$BPO_DIR/lists" -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null)" ]; then
    bpo_apt update >&2
  fi
}

# Downloads one package (name=version) into the current directory, or explains what exists.
bpo_download() {
  local pkg="$1" ver="$2"
  if ! bpo_apt download "$pkg=$ver" >&2; then
    echo "backports: $pkg=$ver is not available from $(bpo_mirror) bookworm-backports." >&2
    echo "backports: versions served:" >&2
    bpo_cache madison "$pkg" >&2 || true
    echo "backports: update the pinned version in scripts/vm/versions.sh" >&2
    return 1
  fi
}
