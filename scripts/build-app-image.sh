#!/usr/bin/env bash
# Builds the TFactory app image (Dockerfile) without any registry login:
#   1. dist/ (npm run build; skip with --no-build when dist/ is current)
#   2. the host's extra CA certificates (/usr/local/share/ca-certificates/*.crt) into docker/extra-ca/,
#      so `npm ci` inside the build trusts a TLS-inspecting proxy (ignored by git)
#   3. the base, as `tfactory images build` picks it: debian:bookworm-slim when present or pullable
#      within ~20 s, else tfactory/debian-bootstrap:bookworm (built by `tfactory images build` if absent)
#   4. docker build -t "${TFACTORY_APP_IMAGE:-tfactory/app:latest}"
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '[app-image] %s\n' "$*"; }
IMAGE="${TFACTORY_APP_IMAGE:-tfactory/app:latest}"
DEFAULT_BASE=debian:bookworm-slim
BOOTSTRAP_BASE=tfactory/debian-bootstrap:bookworm

if [ "${1:-}" != "--no-build" ]; then
  log "building dist/ (npm run build)"
  npm run build --silent
fi

# Extra CAs: replace whatever an earlier build copied.
find docker/extra-ca -maxdepth 1 -name '*.crt' -delete
shopt -s nullglob
cas=(/usr/local/share/ca-certificates/*.crt)
if [ "${#cas[@]}" -gt 0 ]; then
  cp "${cas[@]}" docker/extra-ca/
  log "extra CA certificates: ${#cas[@]} from /usr/local/share/ca-certificates"
fi

base="${TFACTORY_APP_BASE:-}"
if [ -n "$base" ]; then
  log "base $base (given with TFACTORY_APP_BASE)"
elif docker image inspect "$DEFAULT_BASE" >/dev/null 2>&1; then
  base=$DEFAULT_BASE; log "base $base (present locally)"
elif timeout 20 docker pull -q "$DEFAULT_BASE" >/dev/null 2>&1; then
  base=$DEFAULT_BASE; log "base $base (pulled from the registry)"
else
  if ! docker image inspect "$BOOTSTRAP_BASE" >/dev/null 2>&1; then
    log "no registry: building the debootstrap base (tfactory images build)"
    node bin/tfactory.js images build
  fi
  base=$BOOTSTRAP_BASE; log "base $base (debootstrap image; registry not used)"
fi

log "docker build -t $IMAGE"
docker build --build-arg "BASE=$base" -t "$IMAGE" .
log "built $IMAGE"
