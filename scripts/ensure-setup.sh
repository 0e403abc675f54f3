#!/usr/bin/env bash
# Installs what the project needs on a fresh clone: the npm packages (Node 24 among them, as the
# `node` package) and the embedded FerretDB. Does nothing when both are already in place.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
"$root/scripts/setup-ferretdb.sh"
