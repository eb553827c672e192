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
	// Every message, whatever the log's format: in, initialize and
	// disconnect; out, their responses, initialized and terminated.
	if in, out := strings.Count(log, `msg="dap in"`), strings.Count(log, `msg="dap out"`); in != 2 || out != 4 {
		t.Errorf("log file has %d messages in and %d out, want 2 and 4:\n%s", in, out, log)
	}
	for _, want := range []string{"initialize", "initialized", "disconnect", "terminated"} {
		if !strings.Contains(log, want) {
			t.Errorf("log file lacks %q:\n%s", want, log)
		}
	}
	if s := a.Stderr(); s != "" {
		t.Errorf("stderr = %q, want nothing (the log goes to the file)", s)
	}
}
