#!/usr/bin/env bash
# Prepares the test homeserver: a Debian sid root file system with matrix-synapse, cached in
# .cache/homeserver/root, and (with --profile) one profile's data folder and configuration.
# Idempotent: once the root is ready, a second run only refreshes the profile's small config files.
#
#   provision.sh                                  prepare the root only
#   provision.sh --profile relaxed --port 18008   also prepare the "relaxed" profile, listening on 18008
#
# test/homeserver/cli.ts calls this; docs/homeserver.md explains the whole harness.
# Needs root (debootstrap, chroot). Environment: SPACEFORM_HS_CACHE_DIR (default <repo>/.cache/homeserver),
# SPACEFORM_HS_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${SPACEFORM_HS_CACHE_DIR:-$repo/.cache/homeserver}
root=$cache/root
mirror=${SPACEFORM_HS_MIRROR:-http://deb.debian.org/debian}
# The mirror may serve a dated snapshot whose Release file counts as expired.
apt_opts=(-o Acquire::Check-Valid-Until=false -o APT::Install-Recommends=false)

log() { printf 'homeserver: %s\n' "$*" >&2; }
die() {
  log "$*"
  exit 1
}

profile=
port=
while [ $# -gt 0 ]; do
  case $1 in
    --profile) profile=${2:?--profile needs a value}; shift 2 ;;
    --port) port=${2:?--port needs a value}; shift 2 ;;
    *) die "unknown argument: $1 (usage: provision.sh [--profile relaxed|default --port N])" ;;
  esac
done
if [ -n "$profile" ]; then
  [ -f "$here/profiles/$profile.yaml" ] || die "unknown profile: $profile (known: relaxed, default)"
  [[ $port =~ ^[0-9]+$ ]] || die "--profile needs --port N"
fi

[ "$(id -u)" = 0 ] || die "provisioning needs root (debootstrap and chroot)"
export PATH=$PATH:/usr/sbin:/sbin

ensure_debootstrap() {
  command -v debootstrap >/dev/null && return
  log "installing debootstrap"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap; then
    # Package lists missing or stale. Some configured sources may be unreachable: judge by the install.
    apt-get update || log "apt-get update reported errors; trying the install anyway"
    DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap
  fi
}

# Builds into a scratch folder and renames it at the end, so an interrupted run starts over cleanly.
build_root() {
  local tmp=$cache/root.partial started=$SECONDS
  ensure_debootstrap
  rm -rf "$tmp"
  mkdir -p "$cache"
  log "debootstrap sid into $tmp (about a minute)"
  debootstrap --variant=minbase sid "$tmp" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
    die "debootstrap failed; see $cache/debootstrap.log and $tmp/debootstrap/debootstrap.log"
  # No service may start inside the root while packages install.
  printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
  chmod +x "$tmp/usr/sbin/policy-rc.d"
  log "installing matrix-synapse in the root"
  chroot "$tmp" env DEBIAN_FRONTEND=noninteractive sh -c \
    "apt-get ${apt_opts[*]} update && apt-get ${apt_opts[*]} install -y matrix-synapse && apt-get clean" \
    >"$cache/apt.log" 2>&1 || die "installing matrix-synapse failed; see $cache/apt.log"
  chroot "$tmp" python3 -c 'import synapse; print(synapse.__version__)' >"$tmp/.spaceform-synapse-version"
  mkdir -p "$tmp/srv/spaceform"
  mv "$tmp" "$root"
  log "root ready in $((SECONDS - started)) s: Synapse $(cat "$root/.spaceform-synapse-version")"
}

# A profile's data lives inside the root (the chroot cannot reach outside it);
# .cache/homeserver/<profile> is a link to it.
prepare_profile() {
  local data=$root/srv/spaceform/$profile
  if [ ! -f "$data/homeserver.yaml" ]; then
    log "generating the $profile profile's keys and base configuration"
    mkdir -p "$data"
    # Synapse's own generated file: secrets, signing key, sqlite database path. The files copied
    # below are read after it and override whole top-level keys.
    chroot "$root" sh -c "cd /srv/spaceform/$profile && python3 -m synapse.app.homeserver \
      --server-name localhost --config-path homeserver.yaml --generate-config --report-stats=no" \
      >"$data/generate.log" 2>&1 || die "config generation failed; see $data/generate.log"
  fi
  ln -sfn "root/srv/spaceform/$profile" "$cache/$profile"
  cp "$here/profiles/common.yaml" "$data/common.yaml"
  cp "$here/profiles/$profile.yaml" "$data/profile.yaml"
  cat >"$data/log.yaml" <<YAML
# Written by test/homeserver/provision.sh. Warnings and errors only, to homeserver.log.
version: 1
formatters:
  precise:
    format: "%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s"
handlers:
  file:
    class: logging.FileHandler
    formatter: precise
    filename: /srv/spaceform/$profile/homeserver.log
    encoding: utf8
root:
  level: WARNING
  handlers: [file]
disable_existing_loggers: false
YAML
  cat >"$data/instance.yaml" <<YAML
# Written by test/homeserver/provision.sh on every start.
log_config: /srv/spaceform/$profile/log.yaml
listeners:
  - port: $port
    bind_addresses: ["127.0.0.1"]
    type: http
    tls: false
    x_forwarded: false
    resources:
      - names: [client]
        compress: false
YAML
}

[ -f "$root/.spaceform-synapse-version" ] || build_root
[ -z "$profile" ] || prepare_profile
