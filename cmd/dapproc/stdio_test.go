package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMain lets the test binary play a dapproc child for
// TestStrayStdoutWritesGoToStderr.
func TestMain(m *testing.M) {
	if os.Getenv("DAPPROC_TEST_TAKE_STDOUT") == "1" {
		out, err := takeStdout()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println("stray print")                     // fd 1: must not reach the stream
		fmt.Fprint(out, "Content-Length: 2\r\n\r\n{}") // the stream
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestStrayStdoutWritesGoToStderr(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run", "^$")
	cmd.Env = append(os.Environ(), "DAPPROC_TEST_TAKE_STDOUT=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v; stderr %q", err, stderr.String())
	}
	if got, want := string(stdout), "Content-Length: 2\r\n\r\n{}"; got != want {
		t.Errorf("stdout (the DAP stream) = %q, want only %q", got, want)
	}
	if got := stderr.String(); got != "stray print\n" {
		t.Errorf("stderr = %q, want the stray print", got)
	}
}
