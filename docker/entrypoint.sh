#!/bin/sh
# TFactory app image entrypoint.
# The sandbox asks the Docker engine (the HOST's, through the mounted socket) to bind-mount the
# checkout, scratch folders and TFactory's runtime files. Those are paths the host must see, so
# everything TFactory writes lives under TFACTORY_HOME, mounted at the SAME path on both sides:
#   docker run -v /var/run/docker.sock:/var/run/docker.sock -v /var/lib/tfactory:/var/lib/tfactory …
# The app itself is copied there once per image build, so its runtime files are host paths too.
set -eu
home="${TFACTORY_HOME:-/var/lib/tfactory}"
if [ "$(id -u)" = 0 ]; then
  echo "tfactory: refusing to run as root; run the image as its own user (the default) and give it the Docker socket's group with --group-add" >&2
  exit 1
fi
if [ ! -w "$home" ]; then
  echo "tfactory: TFACTORY_HOME ($home) is not writable by uid $(id -u); chown it to 10010 on the host (it is mounted at the same path inside and out)" >&2
  exit 1
fi
sock="${DOCKER_HOST:-unix:///var/run/docker.sock}"
case "$sock" in
  unix://*)
    path="${sock#unix://}"
    if [ -S "$path" ] && ! [ -r "$path" -a -w "$path" ]; then
      echo "tfactory: the Docker socket $path is not accessible to uid $(id -u); add its group: docker run --group-add \$(stat -c %g $path) …" >&2
    fi
    ;;
esac
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
