package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dapproc/dapproc/internal/daptest"
	"github.com/dapproc/dapproc/internal/fixture"
)

// Launch honours args, cwd, env (as an object or as "K=V" strings) and
// stopOnEntry.
func TestLaunchArgsCwdEnvStopOnEntry(t *testing.T) {
	bin, _ := program(t)
	for name, env := range map[string]any{
		"env object": map[string]string{"GREETING": "hello there"},
		"env array":  []string{"GREETING=hello there"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			c, _ := daptest.StartStdio(t, dapproc)
			c.CollectOutput("stdout", "stderr")
			initialize(t, c)
			c.ExpectLaunchResponse(c.Launch(map[string]any{
				"program": bin, "args": []string{"env", "two words", "x"},
				"cwd": dir, "env": env, "stopOnEntry": true,
			}))
			pid := c.ExpectProcessEvent().Body.SystemProcessId
			c.ExpectThreadEvent("started")
			c.ExpectConfigurationDoneResponse(c.ConfigurationDone())
			if e := c.ExpectStoppedEvent("entry").Body; e.ThreadId != pid || !e.AllThreadsStopped {
				t.Errorf("entry stop %+v, want thread %d, all stopped", e, pid)
			}
			c.ExpectContinueResponse(c.Continue(pid))
			c.ExpectThreadEvent("exited")
			c.ExpectExitedEvent(0)
			c.ExpectTerminatedEvent()
			want := fmt.Sprintf("GREETING=hello there\ncwd=%s\narg=two words\narg=x\n", dir)
			if got := c.Output("stdout"); got != want {
				t.Errorf("the program printed %q, want %q", got, want)
			}
			disconnect(t, c, nil)
		})
	}
}

// A breakpoint set while the program runs is applied without a stopped
// event of its own: the next stop is the breakpoint being hit.
func TestBreakpointSetWhileRunning(t *testing.T) {
	_, src := program(t)
	c, _, pid := startSpinning(t)
	line := fixture.Line(t, "demo.c", "spin")
	id := setBreakpoint(t, c, src, line)
	expectBreakpointStop(t, c, pid, pid, id)
	f := stack(t, c, pid, 1)[0]
	checkFrame(t, f, "spin", src, line)

	// Cleared, the loop runs on until paused.
	bps := c.ExpectSetBreakpointsResponse(c.SetBreakpoints(src)).Body.Breakpoints
	if len(bps) != 0 {
		t.Errorf("clearing answered %+v", bps)
	}
	c.ExpectContinueResponse(c.Continue(pid))
	c.ExpectPauseResponse(c.Pause(pid))
	c.ExpectStoppedEvent("pause")
	disconnectKills(t, c, pid)
}

// stackTrace pages with startFrame and levels and reports totalFrames; an
// unknown thread id gets an error response and the session goes on.
func TestStackTracePagingAndUnknownThread(t *testing.T) {
	bin, src := program(t)
	c, _ := daptest.StartStdio(t, dapproc)
	c.CollectOutput("stdout", "stderr")
	initialize(t, c)
	pid := launch(t, c, bin, "add")
	id := setBreakpoint(t, c, src, fixture.Line(t, "demo.c", "add"))
	c.ExpectConfigurationDoneResponse(c.ConfigurationDone())
	expectBreakpointStop(t, c, pid, pid, id)

	all := c.ExpectStackTraceResponse(c.StackTrace(pid, 0, 0)).Body
	if all.TotalFrames != len(all.StackFrames) || len(all.StackFrames) < 2 {
		t.Fatalf("full stack: %d frames, totalFrames %d", len(all.StackFrames), all.TotalFrames)
	}
	page := c.ExpectStackTraceResponse(c.StackTrace(pid, 1, 1)).Body
	if len(page.StackFrames) != 1 || page.TotalFrames != all.TotalFrames {
		t.Fatalf("page [1,2): %d frames, totalFrames %d; want 1 of %d", len(page.StackFrames), page.TotalFrames, all.TotalFrames)
	}
	checkFrame(t, page.StackFrames[0], "main", src, fixture.Line(t, "demo.c", "call"))
	for _, f := range all.StackFrames {
		if f.InstructionPointerReference == "" {
			t.Errorf("frame %q has no instructionPointerReference", f.Name)
		}
	}

	const noSuchThread = 1 << 30
	seq := c.StackTrace(noSuchThread, 0, 0)
	if msg := daptest.ErrorText(c.ExpectError(seq, "stackTrace")); !strings.Contains(msg, fmt.Sprint(noSuchThread)) {
		t.Errorf("unknown thread: error %q does not name the thread id", msg)
	}
	c.ExpectContinueResponse(c.Continue(pid))
	c.ExpectThreadEvent("exited")
	c.ExpectExitedEvent(0)
	c.ExpectTerminatedEvent()
	disconnect(t, c, nil)
}
