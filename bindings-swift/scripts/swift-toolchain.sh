#!/usr/bin/env bash
# A Debian trixie chroot with Swift 6 (`swiftlang`), for building and testing the Swift
# package on this Debian 12 machine (which ships no Swift). Generic: any tool trixie
# packages (e.g. a newer redis-server) can be added with `install`.
#
#   swift-toolchain.sh setup            create the chroot (once) and install swiftlang
#   swift-toolchain.sh install PKG...   apt-get install PKG... inside the chroot (idempotent)
#   swift-toolchain.sh run CMD [ARG..]  run CMD inside, in the same working directory
#   swift-toolchain.sh path             print the chroot directory
#
# The chroot lives in $DCSKIT_CHROOT (default: <repo>/.cache/trixie) and is reused when
# present. `run` bind-mounts /proc, /dev, /sys, the repo, $CARGO_TARGET_DIR, the shared
# folder beside the repo and $DCSKIT_CHROOT_BINDS (colon-separated) at their own paths,
# in a private mount namespace: the mounts vanish when the command ends, even if it is
# killed, and concurrent runs do not see each other's mounts. Where `unshare` is not
# allowed it mounts in the host namespace and unmounts on exit (trap). The command sees
# a clean environment plus CI, CARGO_TARGET_DIR, DCSKIT_SHARED, DCSKIT_FIXTURES and the
# VAR=value words of $DCSKIT_CHROOT_ENV. Needs root.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CHROOT="${DCSKIT_CHROOT:-$REPO/.cache/trixie}"
SUITE="${DCSKIT_CHROOT_SUITE:-trixie}"
BASE_PACKAGES=(swiftlang libc6-dev ca-certificates)

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'swift-toolchain: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, mount, chroot)"

# The Debian mirror apt already uses on this machine (deb822 or one-line sources).
host_mirror() {
  local m
  m="$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null \
        | awk '{print $2}' | grep -E '/debian/?$' | head -n1 || true)"
  if [ -z "$m" ]; then
    m="$(grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
          | awk '{print $2}' | grep -E '/debian/?$' | head -n1 || true)"
  fi
  echo "${DCSKIT_CHROOT_MIRROR:-${m:-http://deb.debian.org/debian}}"
}

# with_lock CMD...: serializes setup/install between concurrent callers.
with_lock() {
  mkdir -p "$(dirname "$CHROOT")"
  exec 9>"$CHROOT.lock"
  flock 9
  "$@"
  flock -u 9
}

# in_namespace CMD...: runs CMD chrooted, with the bind mounts, in a private mount namespace.
in_namespace() {
  local binds=(/proc /dev /sys "$REPO")
  local shared="${DCSKIT_SHARED:-$(cd "$REPO/.." && pwd)/shared}"
  [ -d "$shared" ] && binds+=("$shared")
  if [ -n "${CARGO_TARGET_DIR:-}" ]; then mkdir -p "$CARGO_TARGET_DIR"; binds+=("$CARGO_TARGET_DIR"); fi
  local extra
  IFS=: read -r -a extra <<<"${DCSKIT_CHROOT_BINDS:-}"
  for b in "${extra[@]}"; do [ -n "$b" ] && binds+=("$b"); done
  local cwd="$PWD"
  # The script run inside the new namespace: mount, then exec chroot. `rprivate` keeps
  # our mounts from propagating back to the host.
  local inner='set -e; mount --make-rprivate / ; root="$1"; cwd="$2"; shift 2
    while [ "$1" != "--" ]; do
      src="$1"; shift
      [ -e "$src" ] || continue
      mkdir -p "$root$src"
      if [ "$src" = /dev ] || [ "$src" = /sys ]; then mount --rbind "$src" "$root$src"
      else mount --bind "$src" "$root$src"; fi
    done
    shift
    cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
    exec chroot "$root" /usr/bin/env -i HOME=/root TERM="${TERM:-dumb}" \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive CI="${CI:-}" \
      CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-}" DCSKIT_SHARED="${DCSKIT_SHARED:-}" \
      DCSKIT_FIXTURES="${DCSKIT_FIXTURES:-}" ${DCSKIT_CHROOT_ENV:-} \
      /bin/sh -c "cd \"\$0\" 2>/dev/null || cd /; exec \"\$@\"" "$cwd" "$@"'
  if [ -z "${DCSKIT_CHROOT_NO_UNSHARE:-}" ] && unshare --mount --propagation private true 2>/dev/null; then
    unshare --mount --propagation private /bin/sh -c "$inner" sh "$CHROOT" "$cwd" "${binds[@]}" -- "$@"
  else
    in_host_namespace "$cwd" "${binds[@]}" -- "$@"
  fi
}

# Fallback without mount namespaces: bind-mount in the host namespace and unmount on exit.
in_host_namespace() {
  local cwd="$1"; shift
  local mounted=() src
  # shellcheck disable=SC2317  # called by the trap
  cleanup() {
    local i
    for (( i=${#mounted[@]}-1; i>=0; i-- )); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
  }
  trap cleanup EXIT INT TERM
  while [ "$1" != "--" ]; do
    src="$1"; shift
    [ -e "$src" ] || continue
    mountpoint -q "$CHROOT$src" && continue
    mkdir -p "$CHROOT$src"
    if [ "$src" = /dev ] || [ "$src" = /sys ]; then mount --rbind "$src" "$CHROOT$src"
    else mount --bind "$src" "$CHROOT$src"; fi
    mounted+=("$CHROOT$src")
  done
  shift
  cp -L /etc/resolv.conf "$CHROOT/etc/resolv.conf" 2>/dev/null || true
  local status=0
  chroot "$CHROOT" /usr/bin/env -i HOME=/root TERM="${TERM:-dumb}" \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive CI="${CI:-}" \
    CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-}" DCSKIT_SHARED="${DCSKIT_SHARED:-}" \
    DCSKIT_FIXTURES="${DCSKIT_FIXTURES:-}" ${DCSKIT_CHROOT_ENV:-} \
    /bin/sh -c "cd \"\$0\" 2>/dev/null || cd /; exec \"\$@\"" "$cwd" "$@" || status=$?
  cleanup
  trap - EXIT INT TERM
  return $status
}

chroot_ready() { [ -f "$CHROOT/.dcskit-ready" ]; }

do_setup() {
  if chroot_ready; then return 0; fi
  command -v debootstrap >/dev/null || {
    log "apt-get install debootstrap"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2
  }
  local mirror t0
  mirror="$(host_mirror)"
  t0=$(date +%s)
  if [ ! -x "$CHROOT/usr/bin/apt-get" ]; then
    log "debootstrap $SUITE into $CHROOT from $mirror"
    rm -rf "$CHROOT.partial"
    debootstrap --variant=minbase "$SUITE" "$CHROOT.partial" "$mirror" >&2
    mv "$CHROOT.partial" "$CHROOT"
  fi
  log "apt-get install ${BASE_PACKAGES[*]} (inside)"
  do_install_unlocked "${BASE_PACKAGES[@]}"
  touch "$CHROOT/.dcskit-ready"
  log "chroot ready in $(( $(date +%s) - t0 ))s: $(du -sh "$CHROOT" 2>/dev/null | cut -f1)"
}

do_install_unlocked() {
  local missing=() p
  for p in "$@"; do
    in_namespace dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  in_namespace apt-get update -qq >&2
  in_namespace apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

cmd="${1:-}"; [ $# -gt 0 ] && shift
case "$cmd" in
  setup)   with_lock do_setup ;;
  install) with_lock do_setup; with_lock do_install_unlocked "$@" ;;
  run)     [ $# -gt 0 ] || die "run: missing command"
           chroot_ready || with_lock do_setup
           in_namespace "$@" ;;
  path)    echo "$CHROOT" ;;
  *)       sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
