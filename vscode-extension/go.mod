// This directory is the VS Code extension, not Go code. Its own go.mod keeps
// the Go files that some npm packages ship (node_modules/flatted/golang) out
// of the dapproc module, so that `go vet`, staticcheck and `go test ./...`
// at the repository root skip them.
module github.com/dapproc/dapproc/vscode-extension

go 1.26
