#!/bin/sh
# TFactory app image entrypoint.
# The sandbox asks the Docker engine (the HOST's, through the mounted socket) to bind-mount the
# checkout, scratch folders and TFactory's runtime files. Those are paths the host must see, so
# everything TFactory writes lives under TFACTORY_HOME, mounted at the SAME path on both sides:
#   docker run -v /var/run/docker.sock:/var/run/docker.sock -v /var/lib/tfactory:/var/lib/tfactory …
# The app itself is copied there once per image build, so its runtime files are host paths too.
set -eu
home="${TFACTORY_HOME:-/var/lib/tfactory}"
build="$(cat /app/.build-id)"
app="$home/app/$build"
mkdir -p "$home/tmp" "$home/workspaces" "$home/app"
if [ ! -f "$app/.complete" ]; then
  rm -rf "$app.partial"
  cp -a /app "$app.partial"
  rm -rf "$app"
  mv "$app.partial" "$app"
  touch "$app/.complete"
fi
export TMPDIR="${TMPDIR:-$home/tmp}"
export TFACTORY_WORKSPACE_ROOT="${TFACTORY_WORKSPACE_ROOT:-$home/workspaces}"
export TFACTORY_DB="${TFACTORY_DB:-$home/tfactory.db}"
export TFACTORY_CACHE_DIR="${TFACTORY_CACHE_DIR:-$home/cache}"
cd "$app"
exec "$@"
