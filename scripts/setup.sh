#!/usr/bin/env bash
# TFactory set-up, chained before every README command. Idempotent: each step checks before acting.
#   1. npm ci when node_modules is missing or older than package-lock.json
#   2. npm run build
#   3. a reachable Docker engine (provisioned on Debian/Ubuntu as root when none answers)
#   4. the runner images (tfactory images build: reused when their tag exists)
#   (and, on Debian as root, Debian's python3 test packages for the Python engine's host tests)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '[setup] %s\n' "$*"; }
fail() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

DOCKERD_LOG="${TFACTORY_DOCKERD_LOG:-/var/log/tfactory-dockerd.log}"

# 1. Node dependencies -------------------------------------------------------------------------
command -v node >/dev/null 2>&1 || fail "Node.js ^20.18.1 || >=22 is required (https://nodejs.org)."
if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing Node dependencies (npm ci)"
  npm ci
else
  log "node_modules is up to date"
fi

# 2. Build ---------------------------------------------------------------------------------------
log "building (npm run build)"
npm run build --silent

# 3. Docker engine ---------------------------------------------------------------------------------
engine_up() { timeout 10 docker info >/dev/null 2>&1; }
is_debian() { [ -f /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; }
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if command -v docker >/dev/null 2>&1 && engine_up; then
  log "Docker engine reachable ($(docker info --format '{{.ServerVersion}}' 2>/dev/null))"
else
  if ! is_debian || [ "$(id -u)" != 0 ]; then
    fail "no Docker engine is reachable. Install and start Docker (https://docs.docker.com/engine/install/) or Podman with its Docker-compatible socket, or set DOCKER_HOST; then re-run this script."
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    log "installing docker.io and debootstrap (apt-get)"
    apt_install docker.io debootstrap
  fi
  if ! engine_up; then
    log "starting dockerd in the background (log: $DOCKERD_LOG)"
    nohup dockerd >>"$DOCKERD_LOG" 2>&1 &
    for _ in $(seq 1 60); do
      engine_up && break
      sleep 1
    done
    engine_up || fail "dockerd did not come up within 60 s; see $DOCKERD_LOG"
  fi
  log "Docker engine reachable ($(docker info --format '{{.ServerVersion}}'))"
fi

# debootstrap is the fallback base when no registry is reachable and no base image exists yet.
if ! docker image inspect debian:bookworm-slim >/dev/null 2>&1 \
  && ! docker image inspect tfactory/debian-bootstrap:bookworm >/dev/null 2>&1 \
  && ! command -v debootstrap >/dev/null 2>&1 && is_debian && [ "$(id -u)" = 0 ]; then
  log "installing debootstrap (fallback base image)"
  apt_install debootstrap
fi

# The Python engine's fast host tests use Debian's python3 with the same packages as the runner image.
if is_debian && [ "$(id -u)" = 0 ] && ! /usr/bin/python3 -c 'import pytest, coverage, pytest_timeout, hypothesis, freezegun' >/dev/null 2>&1; then
  log "installing Debian's python3 test packages (for the Python engine's host tests)"
  apt_install python3 python3-pytest python3-coverage python3-pytest-timeout python3-hypothesis python3-freezegun
fi

# 4. Runner images ---------------------------------------------------------------------------------
log "runner images (tfactory images build)"
node bin/tfactory.js images build
log "done"
