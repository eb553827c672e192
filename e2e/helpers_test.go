package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-dap"
	"golang.org/x/sys/unix"

	"github.com/dapproc/dapproc/internal/daptest"
	"github.com/dapproc/dapproc/internal/fixture"
)

// program returns the fixture binary and its source path.
func program(t testing.TB) (bin, src string) {
	t.Helper()
	return fixture.C(t, "demo.c", "-pthread"), fixture.Source(t, "demo.c")
}

// initialize runs the handshake: the response, then the initialized event.
func initialize(t *testing.T, c *daptest.Client) dap.Capabilities {
	t.Helper()
	caps := c.ExpectInitializeResponse(c.Initialize()).Body
	if !caps.SupportsConfigurationDoneRequest {
		t.Errorf("capabilities lack configurationDone: %+v", caps)
	}
	c.ExpectInitializedEvent()
	return caps
}

// launch launches bin with args and checks what follows the response: the
// process event and the main thread's started event. It returns the pid.
func launch(t *testing.T, c *daptest.Client, bin string, args ...string) int {
	t.Helper()
	c.ExpectLaunchResponse(c.Launch(map[string]any{"program": bin, "args": args}))
	p := c.ExpectProcessEvent().Body
	if p.SystemProcessId <= 0 || p.StartMethod != "launch" || filepath.Base(p.Name) != filepath.Base(bin) {
		t.Fatalf("process event %+v, want pid, start method launch and name %s", p, filepath.Base(bin))
	}
	if tid := c.ExpectThreadEvent("started").Body.ThreadId; tid != p.SystemProcessId {
		t.Fatalf("first thread started is %d, want the main thread %d", tid, p.SystemProcessId)
	}
	return p.SystemProcessId
}

// setBreakpoint sets one breakpoint on line of src and checks it is
// verified there; it returns the breakpoint's id.
func setBreakpoint(t *testing.T, c *daptest.Client, src string, line int) int {
	t.Helper()
	bps := c.ExpectSetBreakpointsResponse(c.SetBreakpoints(src, line)).Body.Breakpoints
	if len(bps) != 1 || !bps[0].Verified || bps[0].Line != line || bps[0].Id == 0 {
		t.Fatalf("setBreakpoints %s:%d answered %+v, want one verified breakpoint on that line", filepath.Base(src), line, bps)
	}
	return bps[0].Id
}

// expectBreakpointStop expects the stopped event of breakpoint id in
// thread tid, and checks tid is a live thread of process pid.
func expectBreakpointStop(t *testing.T, c *daptest.Client, pid, tid, id int) {
	t.Helper()
	e := c.ExpectStoppedEvent("breakpoint").Body
	if e.ThreadId != tid || !slices.Equal(e.HitBreakpointIds, []int{id}) || !e.AllThreadsStopped {
		t.Fatalf("stopped %+v, want thread %d, hitBreakpointIds [%d], allThreadsStopped", e, tid, id)
	}
	if _, err := os.Stat(fmt.Sprintf("/proc/%d/task/%d", pid, tid)); err != nil {
		t.Fatalf("stopped thread %d is not a thread of process %d: %v", tid, pid, err)
	}
}

// stack returns the first levels frames of thread tid (0: all).
func stack(t *testing.T, c *daptest.Client, tid, levels int) []dap.StackFrame {
	t.Helper()
	frames := c.ExpectStackTraceResponse(c.StackTrace(tid, 0, levels)).Body.StackFrames
	if len(frames) == 0 || (levels > 0 && len(frames) > levels) {
		t.Fatalf("stackTrace of thread %d levels %d gave %d frames", tid, levels, len(frames))
	}
	return frames
}

// checkFrame fails unless frame is function name at line of src.
func checkFrame(t *testing.T, f dap.StackFrame, name, src string, line int) {
	t.Helper()
	if f.Name != name || f.Line != line || f.Source == nil || f.Source.Path != src {
		t.Errorf("frame %q at %v:%d, want %s at %s:%d", f.Name, f.Source, f.Line, name, src, line)
	}
}

// pc returns a frame's instruction pointer.
func pc(t *testing.T, f dap.StackFrame) uint64 {
	t.Helper()
	v, err := strconv.ParseUint(f.InstructionPointerReference, 0, 64)
	if err != nil {
		t.Fatalf("frame %q instructionPointerReference %q: %v", f.Name, f.InstructionPointerReference, err)
	}
	return v
}

// disconnect sends disconnect (terminate nil: the adapter's default) after
// the program ended, and expects its response followed by the end of the
// stream.
func disconnect(t *testing.T, c *daptest.Client, terminate *bool) {
	t.Helper()
	c.ExpectDisconnectResponse(c.Disconnect(terminate))
	c.ExpectEOF()
}

// disconnectKills sends disconnect while the launched program pid lives:
// the adapter kills it, says so, reports exited (128+SIGKILL) and
// terminated, then answers and ends the stream.
func disconnectKills(t *testing.T, c *daptest.Client, pid int) {
	t.Helper()
	seq := c.Disconnect(nil)
	if out := c.ExpectOutputEvent("console").Body.Output; !strings.Contains(out, fmt.Sprintf("process %d killed by SIGKILL", pid)) {
		t.Errorf("console output %q, want the kill reported", out)
	}
	c.ExpectExitedEvent(128 + int(syscall.SIGKILL))
	c.ExpectTerminatedEvent()
	c.ExpectDisconnectResponse(seq)
	c.ExpectEOF()
}

func itoa(n int) string { return strconv.Itoa(n) }

// watchExit opens a pidfd on process pid (which must be alive) and returns a
// function that waits until the process has terminated, failing the test
// after the timeout.
func watchExit(t *testing.T, pid int) (wait func()) {
	t.Helper()
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		t.Fatalf("pidfd_open(%d): %v", pid, err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	return func() {
		t.Helper()
		// A pidfd polls readable once its process has terminated.
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		for {
			n, err := unix.Poll(fds, int(daptest.DefaultTimeout/time.Millisecond))
			if err == unix.EINTR {
				continue
			}
			if err != nil || n == 0 {
				t.Fatalf("process %d still runs after %v (poll: %v)", pid, daptest.DefaultTimeout, err)
			}
			return
		}
	}
}
