#!/usr/bin/env bash
# Builds FerretDB 1.24.2 into .local/bin from the Go module proxy.
#
# `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` alone yields a binary that panics
# at start: the module archive lacks build/version/version.txt, which the release build generates.
# So the same module version is downloaded, copied, given that one file, and installed from there.
set -euo pipefail

version=v1.24.2
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/.local/bin"
if [ -x "$bin/ferretdb" ] && "$bin/ferretdb" --version 2>/dev/null | grep -q "$version"; then
  exit 0
fi

command -v go >/dev/null || { echo "setup-ferretdb: Go is required to build FerretDB" >&2; exit 1; }
mkdir -p "$bin" "$root/.local/src"
src=$(cd "$root/.local" && go mod download -json "github.com/FerretDB/FerretDB@$version" |
  sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
work="$root/.local/src/ferretdb-$version"
rm -rf "$work"
cp -r "$src" "$work"
chmod -R u+w "$work"
echo "$version" >"$work/build/version/version.txt"
(cd "$work" && GOBIN="$bin" GOFLAGS=-mod=mod go install ./cmd/ferretdb)
"$bin/ferretdb" --version | head -n 1
