package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dapproc/dapproc/internal/daptest"
)

// --log-dap --log-file logs every message in and out to the file, and
// nothing to stderr; the DAP stream on stdout stays clean (the client
// decodes every message of the session).
func TestLogDAPToFile(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "dapproc.log")
	c, a := daptest.StartStdio(t, dapproc, "--log-dap", "--log-file", logFile)
	initialize(t, c)
	seq := c.Disconnect(nil) // no program: the session just ends
	c.ExpectTerminatedEvent()
	c.ExpectDisconnectResponse(seq)
	c.ExpectEOF()
	if code := a.Wait(); code != 0 {
		t.Errorf("dapproc exited with %d, want 0", code)
	}
	data, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	log := string(data)
	for _, want := range []string{`msg="dap in"`, "Command:initialize", `msg="dap out"`, "Event:initialized", "Command:disconnect"} {
		if !strings.Contains(log, want) {
			t.Errorf("log file lacks %q:\n%s", want, log)
		}
	}
	if s := a.Stderr(); s != "" {
		t.Errorf("stderr = %q, want nothing (the log goes to the file)", s)
	}
}
