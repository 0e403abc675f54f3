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

# The version is read whole, never piped into `head` or `grep -q`: with pipefail, the SIGPIPE
# FerretDB gets from an early-exiting reader would fail the step.
installed() {
  [ -x "$bin/ferretdb" ] || return 1
  local out
  out=$("$bin/ferretdb" --version 2>/dev/null) || return 1
  [[ "$out" == *"version: $version"* ]]
}

if installed; then
  exit 0
fi

command -v go >/dev/null || { echo "setup-ferretdb: Go is required to build FerretDB" >&2; exit 1; }
mkdir -p "$bin" "$root/.local/src"
listing=$(cd "$root/.local" && go mod download -json "github.com/FerretDB/FerretDB@$version")
src=$(sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p' <<<"$listing")
work="$root/.local/src/ferretdb-$version"
rm -rf "$work"
cp -r "$src" "$work"
chmod -R u+w "$work"
echo "$version" >"$work/build/version/version.txt"
(cd "$work" && GOBIN="$bin" GOFLAGS=-mod=mod go install ./cmd/ferretdb)
installed || { echo "setup-ferretdb: the built FerretDB does not report $version" >&2; exit 1; }
echo "FerretDB $version installed in .local/bin"
