#!/usr/bin/env bash
# TFactory set-up, chained before every README command. Idempotent: each step checks before acting,
# and says "up to date" when there is nothing to do.
#   1. Node dependencies: npm ci when node_modules is missing or older than package-lock.json
#   2. Build: npm run build when a file in src/, tsconfig*.json or package*.json is newer than the
#      last successful build (dist/.tfactory-build-stamp, written by npm run build's hooks)
#   3. Docker engine: a reachable one (on Debian/Ubuntu as root: docker.io installed and dockerd
#      started when none answers)
#   4. debootstrap: the fallback base when no base image exists (installed on Debian as root)
#   5. Python test packages: Debian's python3 test packages for the Python grader's host tests
#   6. Runner images: tfactory images build, unless `tfactory images list` says all are current
#   7. Chromium: Debian's chromium for the dashboard's browser tests (test/dashboard/browser.test.ts)
#   8. PostgreSQL: the shared run store's tests (on Debian as root: postgresql installed, its cluster
#      started, a `tfactory` role and `tfactory_test` database made)
#   9. Redis: the distributed queue's tests (on Debian as root: redis-server installed and started)
# One line per step on the terminal; the full output of every step goes to one log file, whose path
# is printed first (TFACTORY_SETUP_LOG picks another). The step runner is scripts/lib/steps.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=lib/steps.sh
source scripts/lib/steps.sh

export DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=a NEEDRESTART_SUSPEND=1
DOCKERD_LOG="${TFACTORY_DOCKERD_LOG:-/var/log/tfactory-dockerd.log}"
BUILD_STAMP=dist/.tfactory-build-stamp

is_debian_root() { [ -f /etc/debian_version ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; }
engine_up() { command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1; }
apt_install() {
  # One `apt-get update` per set-up run (steps run in subshells: the marker is a file).
  if [ ! -e "$STEPS_TMP/apt-updated" ]; then
    step_exec apt-get update
    touch "$STEPS_TMP/apt-updated"
  fi
  step_exec apt-get install -y "$@"
}

node_dependencies() {
  command -v node >/dev/null 2>&1 || step_fail "node was not found" "install Node.js ^20.18.1 || >=22 (https://nodejs.org), then re-run bash scripts/setup.sh"
  if [ -d node_modules ] && [ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]; then
    step_result "up to date"
    return 0
  fi
  step_hint "check that the npm registry is reachable (npm ci, see the log), then re-run bash scripts/setup.sh"
  step_exec npm ci --no-audit --no-fund
  step_result "installed with npm ci"
}

build() {
  # A file (or folder: an added or removed file) newer than the last successful build means rebuild.
  if [ -f "$BUILD_STAMP" ] && [ -f dist/cli/main.js ] \
    && [ -z "$(find src tsconfig*.json package.json package-lock.json -newer "$BUILD_STAMP" -print -quit)" ]; then
    step_result "up to date"
    return 0
  fi
  step_hint "fix the errors above (npm run build shows them), then re-run bash scripts/setup.sh"
  # npm run build's prebuild/postbuild hooks (scripts/build-stamp.mjs) write the stamp on success.
  step_exec npm run build
  step_result "built with npm run build"
}

docker_engine() {
  if engine_up; then
    step_result "up to date, Docker $(docker info --format '{{.ServerVersion}}' 2>/dev/null)"
    return 0
  fi
  if ! is_debian_root; then
    step_fail "no Docker engine is reachable" "install and start Docker (https://docs.docker.com/engine/install/) or Podman with its Docker-compatible socket, or set DOCKER_HOST; then re-run bash scripts/setup.sh"
  fi
  step_hint "see the log above and $DOCKERD_LOG; start dockerd yourself (or set DOCKER_HOST), then re-run bash scripts/setup.sh"
  local did="started dockerd"
  if ! command -v dockerd >/dev/null 2>&1; then
    apt_install docker.io debootstrap
    did="installed docker.io, started dockerd"
  fi
  if ! engine_up; then
    echo "starting dockerd in the background (its log: $DOCKERD_LOG)"
    local before=0
    [ -f "$DOCKERD_LOG" ] && before="$(wc -c <"$DOCKERD_LOG")"
    nohup dockerd </dev/null >>"$DOCKERD_LOG" 2>&1 &
    local up=0
    for _ in $(seq 1 60); do
      if engine_up; then up=1; break; fi
      sleep 1
    done
    echo "dockerd's start-up output:"
    tail -c +"$((before + 1))" "$DOCKERD_LOG" | tail -n 40
    [ "$up" = 1 ] || step_fail "dockerd did not come up within 60 s"
  fi
  step_result "$did, Docker $(docker info --format '{{.ServerVersion}}')"
}

debootstrap_base() {
  # The fallback base when no registry is reachable and no base image exists yet.
  if docker image inspect debian:bookworm-slim >/dev/null 2>&1 || docker image inspect tfactory/debian-bootstrap:bookworm >/dev/null 2>&1; then
    step_result "up to date, a base image is present"
  elif command -v debootstrap >/dev/null 2>&1; then
    step_result "up to date"
  elif is_debian_root; then
    step_hint "install debootstrap (apt-get install debootstrap), then re-run bash scripts/setup.sh"
    apt_install debootstrap
    step_result "installed with apt-get"
  else
    step_result "not installed: not Debian as root, so the images need debian:bookworm-slim from a registry"
  fi
}

python_test_packages() {
  # The Python grader's fast host tests use Debian's python3 with the same packages as the runner image.
  if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import pytest, coverage, pytest_timeout, hypothesis, freezegun' 2>/dev/null; then
    step_result "up to date"
  elif is_debian_root; then
    step_hint "install them (apt-get install python3-pytest python3-coverage python3-pytest-timeout python3-hypothesis python3-freezegun), then re-run bash scripts/setup.sh"
    apt_install python3 python3-pytest python3-coverage python3-pytest-timeout python3-hypothesis python3-freezegun
    step_result "installed with apt-get"
  else
    step_result "skipped: not Debian as root; the Python host tests need them"
  fi
}

chromium_browser() {
  # The dashboard's browser tests drive Debian's Chromium through puppeteer-core (no browser download).
  if command -v chromium >/dev/null 2>&1 || { [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ]; }; then
    step_result "up to date"
  elif is_debian_root; then
    step_hint "install it (apt-get install chromium), or set CHROMIUM_PATH to a Chromium binary; then re-run bash scripts/setup.sh"
    apt_install chromium
    step_result "installed with apt-get"
  else
    step_result "skipped: not Debian as root; install Chromium and set CHROMIUM_PATH for the browser tests"
  fi
}

runner_images() {
  if step_exec node bin/tfactory.js images list; then
    step_result "up to date"
    return 0
  fi
  step_hint "see the log; node bin/tfactory.js images build retries (--base <image> picks the base), then re-run bash scripts/setup.sh"
  step_exec node bin/tfactory.js images build
  # Its summary ends the log: "Base: base <ref> (…)" then "  <name>: <ref> (built|reused)".
  local summary built
  summary="$(tail -n 20 "$STEPS_LOG")"
  built="$(sed -n 's/^  \([a-z]*\): .* (built)$/\1/p' <<<"$summary" | paste -sd, - | sed 's/,/, /g')"
  if [ -z "$built" ]; then
    step_result "up to date, reused by tfactory images build"
    return 0
  fi
  step_result "built ${built} on $(sed -n 's/^Base: \(base \)\{0,1\}\([^ ]*\).*/\2/p' <<<"$summary")"
}

# The local test services (scripts/lib/services.sh): what the PostgreSQL store and BullMQ queue tests use.
# shellcheck source=lib/services.sh
source scripts/lib/services.sh

main() {
  steps_init 9 "${TFACTORY_SETUP_LOG:-}"
  step_run "Node dependencies" node_dependencies
  step_run "Build" build
  step_run "Docker engine" docker_engine
  step_run "debootstrap" debootstrap_base
  step_run "Python test packages" python_test_packages
  step_run "Runner images" runner_images
  step_run "Chromium" chromium_browser
  step_run "PostgreSQL" postgresql_service
  step_run "Redis" redis_service
  steps_finish
}

# Sourced (by a test), it only defines the steps.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then main "$@"; fi
