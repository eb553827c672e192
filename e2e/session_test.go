package e2e

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/dapproc/dapproc/internal/daptest"
	"github.com/dapproc/dapproc/internal/fixture"
)

// debugAdd is the main session: launch demo.c in mode add with exit code
// code, stop at a breakpoint, look at the stack, step one instruction,
// continue to the end. atBreakpoint, if not nil, runs while the program is
// stopped at the breakpoint.
func debugAdd(t *testing.T, c *daptest.Client, code int, atBreakpoint func(tid int)) {
	bin, src := program(t)
	addLine := fixture.Line(t, "demo.c", "add")
	callLine := fixture.Line(t, "demo.c", "call")
	c.CollectOutput("stdout", "stderr")

	initialize(t, c)
	pid := launch(t, c, bin, "add", itoa(code))
	id := setBreakpoint(t, c, src, addLine)
	c.ExpectConfigurationDoneResponse(c.ConfigurationDone())
	tid := pid // single-threaded: the main thread's id is the pid
	expectBreakpointStop(t, c, pid, tid, id)

	threads := c.ExpectThreadsResponse(c.Threads()).Body.Threads
	if len(threads) != 1 || threads[0].Id != tid || threads[0].Name != filepath.Base(bin)[:min(15, len(filepath.Base(bin)))] {
		t.Errorf("threads = %+v, want one: %d named after the program", threads, tid)
	}
	frames := stack(t, c, tid, 0)
	if len(frames) < 2 {
		t.Fatalf("stack has %d frames, want add and main at least", len(frames))
	}
	checkFrame(t, frames[0], "add", src, addLine)
	checkFrame(t, frames[1], "main", src, callLine)
	before := pc(t, frames[0])

	c.ExpectStepInResponse(c.StepInstruction(tid))
	if e := c.ExpectStoppedEvent("step").Body; e.ThreadId != tid || !e.AllThreadsStopped {
		t.Errorf("step stopped %+v, want thread %d, all threads stopped", e, tid)
	}
	after := stack(t, c, tid, 1)[0]
	if got := pc(t, after); got <= before || got > before+15 {
		t.Errorf("stepInstruction moved pc from %#x to %#x, want one instruction (1..15 bytes) on", before, got)
	}
	if after.Name != "add" {
		t.Errorf("one instruction into add, the frame is %q", after.Name)
	}
	if atBreakpoint != nil {
		atBreakpoint(tid)
	}

	c.ExpectContinueResponse(c.Continue(tid))
	if e := c.ExpectThreadEvent("exited").Body; e.ThreadId != tid {
		t.Errorf("thread exited %+v, want %d", e, tid)
	}
	c.ExpectExitedEvent(code)
	c.ExpectTerminatedEvent()
	if got, want := c.Output("stdout"), "hello from stdout\nsum 5\n"; got != want {
		t.Errorf("stdout output = %q, want %q", got, want)
	}
	if got, want := c.Output("stderr"), "hello from stderr\n"; got != want {
		t.Errorf("stderr output = %q, want %q", got, want)
	}
	disconnect(t, c, nil)
}

func TestSessionOverStdio(t *testing.T) {
	c, a := daptest.StartStdio(t, dapproc)
	debugAdd(t, c, 7, nil)
	if code := a.Wait(); code != 0 {
		t.Errorf("dapproc exited with %d after the session, want 0", code)
	}
}

func TestSessionOverTCP(t *testing.T) {
	_, addr := daptest.StartServer(t, dapproc, "--listen", "127.0.0.1:0")
	c, _ := daptest.Dial(t, "tcp", addr)
	debugAdd(t, c, 3, nil)
}

func TestSessionOverUnixSocket(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "dapproc.sock")
	a, addr := daptest.StartServer(t, dapproc, "--listen", "unix:"+sock)
	if addr != sock {
		t.Errorf("announced %q, want the socket path %q", addr, sock)
	}
	if fi, err := os.Stat(sock); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("socket %s: %v, %v; want mode 0600", sock, fi.Mode(), err)
	}
	c, _ := daptest.Dial(t, "unix", sock)
	debugAdd(t, c, 0, nil)

	a.Signal(syscall.SIGTERM)
	if code := a.Wait(); code != 0 {
		t.Errorf("dapproc exited with %d on SIGTERM, want 0", code)
	}
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Errorf("socket file after exit: %v, want it removed", err)
	}
}
