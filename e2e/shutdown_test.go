package e2e

import (
	"errors"
	"syscall"
	"testing"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/internal/daptest"
)

// startSpinning launches demo.c spin over stdio and waits until it runs its
// loop. It returns the client, the adapter and the debuggee's pid.
func startSpinning(t *testing.T) (*daptest.Client, *daptest.Adapter, int) {
	t.Helper()
	bin, _ := program(t)
	c, a := daptest.StartStdio(t, dapproc)
	initialize(t, c)
	pid := launch(t, c, bin, "spin")
	c.ExpectConfigurationDoneResponse(c.ConfigurationDone())
	if out := c.ExpectOutputEvent("stdout").Body.Output; out != "spinning\n" {
		t.Fatalf("stdout %q, want the program to say it is spinning", out)
	}
	return c, a, pid
}

func expectGone(t *testing.T, pid int) {
	t.Helper()
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("debuggee %d: kill(0) = %v, want ESRCH (killed and reaped)", pid, err)
	}
}

// SIGTERM to the adapter ends the session cleanly: the launched debuggee is
// killed, the client is told, and dapproc exits with status 0.
func TestSIGTERMKillsTheDebuggeeAndTellsTheClient(t *testing.T) {
	c, a, pid := startSpinning(t)
	a.Signal(syscall.SIGTERM)
	c.ExpectOutputEvent("console")
	c.ExpectExitedEvent(128 + int(syscall.SIGKILL))
	c.ExpectTerminatedEvent()
	c.ExpectEOF()
	if code := a.Wait(); code != 0 {
		t.Errorf("dapproc exited with %d on SIGTERM, want 0", code)
	}
	expectGone(t, pid)
}

// A client that goes away (stdin closed) without disconnect: the launched
// debuggee does not outlive the session.
func TestClientGoneKillsTheDebuggee(t *testing.T) {
	_, a, pid := startSpinning(t)
	a.CloseStdin()
	if code := a.Wait(); code != 0 {
		t.Errorf("dapproc exited with %d when its client went away, want 0", code)
	}
	expectGone(t, pid)
}

// terminate kills the launched program while it runs; the session stays
// until disconnect.
func TestTerminateThenDisconnect(t *testing.T) {
	c, _, pid := startSpinning(t)
	seq := c.SendCommand("terminate", nil)
	c.ExpectOutputEvent("console")
	c.ExpectExitedEvent(128 + int(syscall.SIGKILL))
	c.ExpectTerminatedEvent()
	daptest.ExpectResponse[*dap.TerminateResponse](c, seq)
	expectGone(t, pid)
	disconnect(t, c, nil)
}
