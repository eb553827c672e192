package e2e

import (
	"errors"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/dapproc/dapproc/internal/daptest"
	"github.com/dapproc/dapproc/internal/fixture"
)

// A bad program path and an unknown command get error responses naming the
// cause, and the session goes on to debug a real program afterwards.
func TestErrorResponsesKeepTheSessionGoing(t *testing.T) {
	c, _ := daptest.StartStdio(t, dapproc)
	initialize(t, c)

	seq := c.SendCommand("frobnicate", map[string]any{"x": 1})
	if msg := daptest.ErrorText(c.ExpectError(seq, "frobnicate")); !strings.Contains(msg, "frobnicate") {
		t.Errorf("unknown command error %q does not name the command", msg)
	}

	missing := filepath.Join(t.TempDir(), "no-such-program")
	seq = c.Launch(map[string]any{"program": missing})
	if msg := daptest.ErrorText(c.ExpectError(seq, "launch")); !strings.Contains(msg, missing) {
		t.Errorf("launch of a missing program: error %q does not name the path", msg)
	}

	// The session is still usable: launch a real program and run it out.
	bin, _ := program(t)
	c.CollectOutput("stdout", "stderr")
	pid := launch(t, c, bin, "add", "5")
	c.ExpectConfigurationDoneResponse(c.ConfigurationDone())
	if e := c.ExpectThreadEvent("exited").Body; e.ThreadId != pid {
		t.Errorf("thread exited %+v, want %d", e, pid)
	}
	c.ExpectExitedEvent(5)
	c.ExpectTerminatedEvent()
	disconnect(t, c, nil)
}

// While the program runs, a request that needs it stopped is refused with
// an error saying so; pause stops it with reason pause where it spins; and
// disconnect after launch kills it.
func TestRunningPauseAndDisconnectKills(t *testing.T) {
	bin, src := program(t)
	c, _ := daptest.StartStdio(t, dapproc)
	initialize(t, c)
	pid := launch(t, c, bin, "spin")
	c.ExpectConfigurationDoneResponse(c.ConfigurationDone())
	if out := c.ExpectOutputEvent("stdout").Body.Output; out != "spinning\n" {
		t.Fatalf("stdout %q, want the program to say it is spinning", out)
	}

	seq := c.StackTrace(pid, 0, 0)
	if msg := daptest.ErrorText(c.ExpectError(seq, "stackTrace")); !strings.Contains(msg, "running") {
		t.Errorf("stackTrace while running: error %q does not say the program is running", msg)
	}

	c.ExpectPauseResponse(c.Pause(pid))
	if e := c.ExpectStoppedEvent("pause").Body; e.ThreadId != pid || !e.AllThreadsStopped {
		t.Errorf("pause stopped %+v, want thread %d, all threads stopped", e, pid)
	}
	f := stack(t, c, pid, 1)[0]
	// The loop is a few instructions around the marked line.
	spinLine := fixture.Line(t, "demo.c", "spin")
	if f.Name != "spin" || f.Source == nil || f.Source.Path != src || f.Line < spinLine-2 || f.Line > spinLine+1 {
		t.Errorf("paused in %q at %v:%d, want spin near line %d", f.Name, f.Source, f.Line, spinLine)
	}

	disconnectKills(t, c, pid) // launched: terminateDebuggee defaults to true
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("debuggee %d after disconnect: kill(0) = %v, want ESRCH (killed and reaped)", pid, err)
	}
}

// A crash stops the program with reason exception, naming the signal and
// the fault address, where it happened; continuing lets the signal kill it.
func TestCrashIsAnException(t *testing.T) {
	bin, src := program(t)
	c, _ := daptest.StartStdio(t, dapproc)
	initialize(t, c)
	pid := launch(t, c, bin, "crash")
	c.ExpectConfigurationDoneResponse(c.ConfigurationDone())
	e := c.ExpectStoppedEvent("exception").Body
	if e.ThreadId != pid || !strings.Contains(e.Description, "SIGSEGV") || !strings.Contains(e.Description, "0x0") {
		t.Errorf("exception stop %+v, want thread %d and a description naming SIGSEGV at 0x0", e, pid)
	}
	checkFrame(t, stack(t, c, pid, 1)[0], "crash", src, fixture.Line(t, "demo.c", "crash"))

	c.ExpectContinueResponse(c.Continue(pid))
	if e := c.ExpectThreadEvent("exited").Body; e.ThreadId != pid {
		t.Errorf("thread exited %+v, want %d", e, pid)
	}
	if out := c.ExpectOutputEvent("console").Body.Output; !strings.Contains(out, "SIGSEGV") {
		t.Errorf("console output %q, want the fatal signal named", out)
	}
	c.ExpectExitedEvent(128 + int(syscall.SIGSEGV))
	c.ExpectTerminatedEvent()
	disconnect(t, c, nil)
}
