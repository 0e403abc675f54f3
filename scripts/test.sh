#!/usr/bin/env bash
# The whole check: formatting, lint, types, then every test on the pinned Node.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
"$root/scripts/ensure-setup.sh"
export PATH="$root/node_modules/.bin:$PATH"

echo "node $(node --version)"
prettier --check . --log-level warn
eslint .
tsc -p .
exec mocha "$@"
