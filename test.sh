#!/usr/bin/env bash
# The whole test suite: formatting, vet, staticcheck, every Go test under the
# race detector, then the VS Code extension's tests and its .vsix build.
# What the tests need (gcc, g++, binutils, gdb, staticcheck, Node.js >= 20.18)
# is installed first where missing: see .ci/deps.sh.
set -euo pipefail
cd "$(dirname "$0")"
. .ci/deps.sh

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path '*/node_modules/*'))
if [ -n "$unformatted" ]; then echo "gofmt needed: $unformatted"; exit 1; fi
go vet ./...
staticcheck ./...
go test -race -count=1 -timeout 20m ./...

# The VS Code extension: its tests build and drive the real dapproc.
ext_start=$SECONDS
( cd vscode-extension && npm ci --no-audit --no-fund && npm test &&
  npx @vscode/vsce package --out "$(mktemp -d)/dapproc.vsix" )
echo "test.sh: VS Code extension (npm ci, npm test, .vsix) took $((SECONDS - ext_start)) s"
