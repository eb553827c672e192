package adapter

import (
	"bufio"
	"errors"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/internal/fixture"
)

const spinSrc = "session_spin.c"

// runSpin launches session_spin.c and lets it run.
func runSpin(t testing.TB, c *client) int {
	t.Helper()
	pid := launchReal(t, c, map[string]any{"program": fixture.C(t, spinSrc)})
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
	return pid
}

func TestPauseAndBreakpointsWhileRunning(t *testing.T) {
	c := startReal(t)
	pid := runSpin(t, c)

	seq := c.send("stackTrace", &dap.StackTraceRequest{Arguments: dap.StackTraceArguments{ThreadId: pid}})
	if e := expectError(c, seq); e.Message != "notStopped" {
		t.Errorf("stackTrace while running: %q, want notStopped", e.Message)
	}
	seq = c.send("threads", &dap.ThreadsRequest{})
	th := wantResponse[*dap.ThreadsResponse](c, seq)
	if len(th.Body.Threads) != 1 || th.Body.Threads[0].Id != pid {
		t.Errorf("threads while running: %+v, want the one thread %d", th.Body.Threads, pid)
	}

	seq = c.send("pause", &dap.PauseRequest{Arguments: dap.PauseArguments{ThreadId: pid}})
	wantResponse[*dap.PauseResponse](c, seq)
	wantStopped(t, c, "pause", pid)
	seq = c.send("threads", &dap.ThreadsRequest{})
	th = wantResponse[*dap.ThreadsResponse](c, seq)
	if len(th.Body.Threads) != 1 || th.Body.Threads[0].Id != pid || !strings.HasPrefix(th.Body.Threads[0].Name, "session_spin") {
		t.Errorf("threads when paused: %+v, want thread %d named after the program", th.Body.Threads, pid)
	}
	continueThread(t, c, pid)

	// A breakpoint set while running stops, applies and resumes without a
	// stopped event: the next stop is the breakpoint itself.
	src := fixture.Source(t, spinSrc)
	tick := fixture.Line(t, spinSrc, "tick")
	bps := requestBreakpoints(t, c, src, tick)
	if !bps[0].Verified || bps[0].Line != tick {
		t.Fatalf("breakpoint set while running: %+v", bps[0])
	}
	st := wantStopped(t, c, "breakpoint", pid)
	if len(st.Body.HitBreakpointIds) != 1 || st.Body.HitBreakpointIds[0] != bps[0].Id {
		t.Errorf("hitBreakpointIds %v, want [%d]", st.Body.HitBreakpointIds, bps[0].Id)
	}
	wantTop(t, c, pid, "tick", tick)
	continueThread(t, c, pid)
	wantStopped(t, c, "breakpoint", pid)

	// Removing it while running: the program runs on until paused.
	requestBreakpoints(t, c, src)
	continueThread(t, c, pid)
	requestBreakpoints(t, c, src) // while running, nothing to remove
	seq = c.send("pause", &dap.PauseRequest{Arguments: dap.PauseArguments{ThreadId: pid}})
	wantResponse[*dap.PauseResponse](c, seq)
	wantStopped(t, c, "pause", pid)

	seq = c.send("disconnect", &dap.DisconnectRequest{})
	wantExit(t, c, 137)
	wantResponse[*dap.DisconnectResponse](c, seq)
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("process %d still exists after disconnect: %v", pid, err)
	}
}

func TestKilledFromOutside(t *testing.T) {
	c := startReal(t)
	pid := runSpin(t, c)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	wantExit(t, c, 128+9)
	if !strings.Contains(c.out.console.String(), "killed by SIGKILL") {
		t.Errorf("console output %q does not say how the process ended", c.out.console.String())
	}
	seq := c.send("threads", &dap.ThreadsRequest{})
	wantResponse[*dap.ThreadsResponse](c, seq)
	seq = c.send("disconnect", &dap.DisconnectRequest{})
	wantResponse[*dap.DisconnectResponse](c, seq)
}

func TestClientGoesAway(t *testing.T) {
	c := startReal(t)
	pid := runSpin(t, c)
	if err := c.closeAndWait(); err != nil {
		t.Fatal(err)
	}
	// Serve returned only after the debuggee was killed and reaped.
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("process %d still exists after the client went away: %v", pid, err)
	}
}

func TestAttachAndDetach(t *testing.T) {
	cmd := exec.Command(fixture.C(t, spinSrc))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	// Wait until it runs its loop: it prints once it is there.
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || !strings.HasPrefix(line, "spinning") {
		t.Fatalf("fixture said %q, %v", line, err)
	}
	pid := cmd.Process.Pid

	c := startReal(t)
	handshake(t, c)
	seq := c.send("attach", &dap.AttachRequest{Arguments: []byte(`{"pid":` + itoa(pid) + `}`)})
	wantResponse[*dap.AttachResponse](c, seq)
	pe := want[*dap.ProcessEvent](c)
	if pe.Body.SystemProcessId != pid || pe.Body.StartMethod != "attach" {
		t.Errorf("process event %+v", pe.Body)
	}
	want[*dap.ThreadEvent](c)
	src := fixture.Source(t, spinSrc)
	tick := fixture.Line(t, spinSrc, "tick")
	bps := requestBreakpoints(t, c, src, tick)
	seq = c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
	st := wantStopped(t, c, "breakpoint", pid)
	if len(st.Body.HitBreakpointIds) != 1 || st.Body.HitBreakpointIds[0] != bps[0].Id {
		t.Errorf("hitBreakpointIds %v, want [%d]", st.Body.HitBreakpointIds, bps[0].Id)
	}
	frames := requestStack(t, c, pid, 0, 0).Body.StackFrames
	if len(frames) < 2 || frames[0].Name != "tick" || frames[1].Name != "main" || frames[1].Line != fixture.Line(t, spinSrc, "loop") {
		t.Errorf("attached stack: %+v", frames)
	}

	// disconnect after attach detaches by default: the program runs on.
	seq = c.send("disconnect", &dap.DisconnectRequest{})
	want[*dap.TerminatedEvent](c)
	wantResponse[*dap.DisconnectResponse](c, seq)
	if err := c.closeAndWait(); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, 0); err != nil {
		t.Fatalf("attached process is gone after detach: %v", err)
	}
	var ws syscall.WaitStatus
	if got, err := syscall.Wait4(pid, &ws, syscall.WNOHANG, nil); got != 0 || err != nil {
		t.Fatalf("attached process ended after detach: %v %v", ws, err)
	}
}

func TestAttachBadPid(t *testing.T) {
	c := startReal(t)
	handshake(t, c)
	seq := c.send("attach", &dap.AttachRequest{Arguments: []byte(`{"pid":999999999}`)})
	e := expectError(c, seq)
	if !strings.Contains(e.Body.Error.Format, "999999999") {
		t.Errorf("attach error %q does not name the pid", e.Body.Error.Format)
	}
}

func TestThreadEventsAndOneStoppedPerStop(t *testing.T) {
	const src = "session_threads.c"
	c := startReal(t)
	pid := launchReal(t, c, map[string]any{"program": fixture.C(t, src, "-pthread")})
	worker := fixture.Line(t, src, "worker")
	joined := fixture.Line(t, src, "joined")
	requestBreakpoints(t, c, fixture.Source(t, src), worker, joined)
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)

	started := map[int]bool{}
	exited := map[int]bool{}
	workerStops := map[int]bool{}
	for {
		m := c.nextNonOutput()
		switch m := m.(type) {
		case *dap.ThreadEvent:
			switch m.Body.Reason {
			case "started":
				started[m.Body.ThreadId] = true
			case "exited":
				if !started[m.Body.ThreadId] {
					t.Errorf("thread %d exited before it started", m.Body.ThreadId)
				}
				exited[m.Body.ThreadId] = true
			}
			continue
		case *dap.StoppedEvent:
			if m.Body.Reason != "breakpoint" || !m.Body.AllThreadsStopped {
				t.Fatalf("stopped %+v", m.Body)
			}
			top := requestStack(t, c, m.Body.ThreadId, 0, 1).Body.StackFrames[0]
			if top.Line == joined {
				if m.Body.ThreadId != pid {
					t.Errorf("joined stop on thread %d, want main %d", m.Body.ThreadId, pid)
				}
				goto joinedStop
			}
			if top.Name != "worker" || top.Line != worker {
				t.Fatalf("stop at %s:%d", top.Name, top.Line)
			}
			if !started[m.Body.ThreadId] || workerStops[m.Body.ThreadId] {
				t.Errorf("worker stop on thread %d: started %v, stopped before %v", m.Body.ThreadId, started[m.Body.ThreadId], workerStops[m.Body.ThreadId])
			}
			workerStops[m.Body.ThreadId] = true
			continueThread(t, c, m.Body.ThreadId)
		default:
			t.Fatalf("unexpected %T %+v", m, m)
		}
	}
joinedStop:
	if len(workerStops) != 4 || len(started) != 4 || len(exited) != 4 {
		t.Errorf("worker stops %v, threads started %v, exited %v; want 4 each", workerStops, started, exited)
	}
	seq = c.send("threads", &dap.ThreadsRequest{})
	if th := wantResponse[*dap.ThreadsResponse](c, seq); len(th.Body.Threads) != 1 || th.Body.Threads[0].Id != pid {
		t.Errorf("threads after the joins: %+v", th.Body.Threads)
	}
	continueThread(t, c, pid)
	wantExit(t, c, 0)
	if got := c.out.stdout.String(); got != "sum 60\n" {
		t.Errorf("stdout %q", got)
	}
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

func TestCrashStopsWithException(t *testing.T) {
	const src = "session_crash.c"
	c := startReal(t)
	pid := launchReal(t, c, map[string]any{"program": fixture.C(t, src)})
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
	st := wantStopped(t, c, "exception", pid)
	if st.Body.Description != "SIGSEGV at 0x0: address not mapped" {
		t.Errorf("exception description %q", st.Body.Description)
	}
	wantTop(t, c, pid, "crash", fixture.Line(t, src, "crash"))
	// Continuing delivers the signal: the program dies of it.
	continueThread(t, c, pid)
	wantExit(t, c, 128+11)
	if got := c.out.stdout.String(); got != "about to crash\n" {
		t.Errorf("stdout %q", got)
	}
}

func TestDisconnectWithoutTerminatingDetaches(t *testing.T) {
	c := startReal(t)
	pid := runSpin(t, c)
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGKILL) })
	// go-dap leaves out a false terminateDebuggee (omitempty): write it by hand.
	c.seq++
	seq := c.seq
	c.sendRaw(`{"seq":` + itoa(seq) + `,"type":"request","command":"disconnect","arguments":{"terminateDebuggee":false}}`)
	want[*dap.TerminatedEvent](c)
	wantResponse[*dap.DisconnectResponse](c, seq)
	if err := c.closeAndWait(); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, 0); err != nil {
		t.Fatalf("process %d is gone after disconnect with terminateDebuggee false: %v", pid, err)
	}
}

func TestTerminate(t *testing.T) {
	c := startReal(t)
	pid := runSpin(t, c)
	seq := c.send("terminate", &dap.TerminateRequest{})
	wantExit(t, c, 137)
	wantResponse[*dap.TerminateResponse](c, seq)
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("process %d still exists after terminate: %v", pid, err)
	}
	seq = c.send("disconnect", &dap.DisconnectRequest{})
	wantResponse[*dap.DisconnectResponse](c, seq)
}

// TestKilledWhileStoppedAtBreakpoint: SIGKILL from outside while the
// program sits on a breakpoint; the next continue, which must step over
// the breakpoint, finds the thread gone and reports the exit.
func TestKilledWhileStoppedAtBreakpoint(t *testing.T) {
	c := startReal(t)
	pid := launchReal(t, c, map[string]any{"program": fixture.C(t, spinSrc)})
	requestBreakpoints(t, c, fixture.Source(t, spinSrc), fixture.Line(t, spinSrc, "tick"))
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
	wantStopped(t, c, "breakpoint", pid)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	continueThread(t, c, pid)
	wantExit(t, c, 128+9)
	seq = c.send("disconnect", &dap.DisconnectRequest{})
	wantResponse[*dap.DisconnectResponse](c, seq)
}
