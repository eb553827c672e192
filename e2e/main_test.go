// Package e2e tests the built dapproc binary from the outside: each test
// starts it as an editor would (over stdio, TCP or a Unix socket), speaks DAP
// to it with go-dap's types and framing, and checks every message it
// receives, in order, against real debuggees built from testdata/.
package e2e

import (
	"fmt"
	"os"
	"testing"

	"github.com/dapproc/dapproc/internal/daptest"
)

// dapproc is the path of the binary under test, built once by TestMain.
var dapproc string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dapproc-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// Under -race the adapter is built with the race detector too, so that
	// these tests also look for races in the whole binary.
	dapproc, err = daptest.Build(dir, raceEnabled)
	if err != nil {
		fmt.Fprintln(os.Stderr, "building dapproc:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
