#!/bin/sh
# Smoke check run at build time: Node >= 20 and npm work.
set -eu
node --version
node -e "const m = Number(process.versions.node.split('.')[0]); if (m < 20) { console.error('node too old: ' + process.version); process.exit(1); }"
npm --version
npx --version
