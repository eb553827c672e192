#!/usr/bin/env bash
# The whole test suite: formatting, vet, staticcheck, then every test under the race detector.
set -euo pipefail
cd "$(dirname "$0")"
export PATH="$PATH:$(go env GOPATH)/bin"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then echo "gofmt needed: $unformatted"; exit 1; fi
go vet ./...
staticcheck ./...
go test -race -count=1 -timeout 20m ./...
