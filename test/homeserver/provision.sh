#!/usr/bin/env bash
# Prepares the test homeservers: a Debian sid root file system with matrix-synapse, cached in
# .cache/homeserver/root, and (with --profile) one profile's data folder and configuration. Every
# profile shares the one root; each has its own data folder in it.
# Idempotent: once the root is ready, a second run only refreshes the profile's small config files.
#
#   provision.sh                                  prepare the root only
#   provision.sh --profile relaxed --port 18008   also prepare the "relaxed" profile, listening on 18008
#   provision.sh --profile fed1 --port 18010 --layers relaxed,federation \
#     --server-name 127.0.0.1:18448 --federation-port 18448 --peers 127.0.0.1:18448,127.0.0.1:18449
#                                                 a federating profile: a TLS federation listener on
#                                                 18448 with a self-signed certificate (openssl)
#
# --layers names the files of profiles/ that Synapse reads after common.yaml (default: the profile's
# own name); --server-name defaults to localhost.
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
layers=
server_name=localhost
federation_port=
peers=
while [ $# -gt 0 ]; do
  case $1 in
    --profile) profile=${2:?--profile needs a value}; shift 2 ;;
    --port) port=${2:?--port needs a value}; shift 2 ;;
    --layers) layers=${2:?--layers needs a value}; shift 2 ;;
    --server-name) server_name=${2:?--server-name needs a value}; shift 2 ;;
    --federation-port) federation_port=${2:?--federation-port needs a value}; shift 2 ;;
    --peers) peers=${2:?--peers needs a value}; shift 2 ;;
    *) die "unknown argument: $1 (usage: provision.sh [--profile NAME --port N [--layers A,B] [--server-name S] [--federation-port N --peers S,S]])" ;;
  esac
done
if [ -n "$profile" ]; then
  [[ $profile =~ ^[a-z0-9]+$ ]] || die "a profile name is lowercase letters and digits, not $profile"
  [[ $port =~ ^[0-9]+$ ]] || die "--profile needs --port N"
  IFS=, read -r -a layer_list <<<"${layers:-$profile}"
  for layer in "${layer_list[@]}"; do
    [ -f "$here/profiles/$layer.yaml" ] || die "unknown profile layer: $layer (no profiles/$layer.yaml)"
  done
  [[ $server_name =~ ^[a-z0-9.:]+$ ]] || die "unexpected --server-name: $server_name"
  if [ -n "$federation_port" ]; then
    [[ $federation_port =~ ^[0-9]+$ ]] || die "--federation-port needs a port number"
    [[ $peers =~ ^[0-9a-z.:,]+$ ]] || die "--federation-port needs --peers NAME,NAME"
  fi
fi

[ "$(id -u)" = 0 ] || die "provisioning needs root (debootstrap and chroot)"
export PATH=$PATH:/usr/sbin:/sbin

# Installs a Debian package on the host when its command is missing.
ensure_command() {
  local command=$1 package=$2
  command -v "$command" >/dev/null && return
  log "installing $package"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y "$package"; then
    # Package lists missing or stale. Some configured sources may be unreachable: judge by the install.
    apt-get update || log "apt-get update reported errors; trying the install anyway"
    DEBIAN_FRONTEND=noninteractive apt-get install -y "$package"
  fi
}

# Builds into a scratch folder and renames it at the end, so an interrupted run starts over cleanly.
build_root() {
  local tmp=$cache/root.partial started=$SECONDS
  ensure_command debootstrap debootstrap
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
      --server-name '$server_name' --config-path homeserver.yaml --generate-config --report-stats=no" \
      >"$data/generate.log" 2>&1 || die "config generation failed; see $data/generate.log"
  fi
  # The server name is fixed when the database is created: a changed port needs fresh data.
  local generated
  generated=$(sed -n 's/^server_name: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' "$data/homeserver.yaml")
  [ "$generated" = "$server_name" ] ||
    die "the $profile profile was created as $generated, not $server_name; run: node test/homeserver/cli.ts reset --profile $profile"
  ln -sfn "root/srv/spaceform/$profile" "$cache/$profile"
  cp "$here/profiles/common.yaml" "$data/common.yaml"
  for layer in "${layer_list[@]}"; do cp "$here/profiles/$layer.yaml" "$data/layer-$layer.yaml"; done
  [ -z "$federation_port" ] || prepare_tls "$data"
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
  [ -z "$federation_port" ] || cat >>"$data/instance.yaml" <<YAML
  # Federation: the port in the server name, so peers need no .well-known or SRV lookup.
  - port: $federation_port
    bind_addresses: ["127.0.0.1"]
    type: http
    tls: true
    x_forwarded: false
    resources:
      - names: [federation]
        compress: false
tls_certificate_path: /srv/spaceform/$profile/tls.crt
tls_private_key_path: /srv/spaceform/$profile/tls.key
# Only the test servers of this machine, whatever a room's state names.
federation_domain_whitelist: [${peers//,/, }]
YAML
}

# A self-signed certificate for the federation listener, made once; peers do not verify it
# (federation_verify_certificates: false in profiles/federation.yaml).
prepare_tls() {
  local data=$1
  [ -f "$data/tls.crt" ] && [ -f "$data/tls.key" ] && return
  ensure_command openssl openssl
  log "making the $profile profile's self-signed TLS certificate"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$data/tls.key.partial" -out "$data/tls.crt" \
    >"$data/openssl.log" 2>&1 || die "openssl failed; see $data/openssl.log"
  mv "$data/tls.key.partial" "$data/tls.key"
}

[ -f "$root/.spaceform-synapse-version" ] || build_root
[ -z "$profile" ] || prepare_profile
