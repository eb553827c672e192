package e2e

import (
	"testing"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/internal/daptest"
	"github.com/dapproc/dapproc/internal/fixture"
)

// 32 threads released at once onto one breakpoint: every hit is reported
// by exactly one stopped event, each thread once, each thread announced by
// a thread event before it is reported, and none reported twice.
func TestOneStoppedEventPerHitWith32Threads(t *testing.T) {
	const n = 32
	bin, src := program(t)
	c, _ := daptest.StartStdio(t, dapproc)
	c.CollectOutput("stdout", "stderr")
	initialize(t, c)
	pid := launch(t, c, bin, "threads", itoa(n))
	id := setBreakpoint(t, c, src, fixture.Line(t, "demo.c", "worker"))
	c.ExpectConfigurationDoneResponse(c.ConfigurationDone())

	announced := map[int]bool{pid: true}
	reported := map[int]bool{}
	gone := map[int]bool{}
	threadEvent := func(e *dap.ThreadEvent) {
		tid := e.Body.ThreadId
		switch {
		case e.Body.Reason == "started" && !announced[tid]:
			announced[tid] = true
		case e.Body.Reason == "exited" && announced[tid] && !gone[tid] && (reported[tid] || tid == pid):
			gone[tid] = true // only a thread past its breakpoint can end
		default:
			t.Fatalf("unexpected %s", daptest.Describe(e))
		}
	}
	awaitStop := func() int {
		for {
			switch m := c.ReadMessage().(type) {
			case *dap.ThreadEvent:
				threadEvent(m)
			case *dap.StoppedEvent:
				b := m.Body
				if b.Reason != "breakpoint" || len(b.HitBreakpointIds) != 1 || b.HitBreakpointIds[0] != id ||
					!b.AllThreadsStopped || !announced[b.ThreadId] || reported[b.ThreadId] || b.ThreadId == pid {
					t.Fatalf("stop #%d: %s; want a breakpoint %d hit by a new, announced worker thread",
						len(reported)+1, daptest.Describe(m), id)
				}
				reported[b.ThreadId] = true
				return b.ThreadId
			default:
				t.Fatalf("waiting for stop #%d: unexpected %s", len(reported)+1, daptest.Describe(m))
			}
		}
	}
	tid := awaitStop()
	for len(reported) < n {
		c.ExpectContinueResponse(c.Continue(tid))
		tid = awaitStop()
	}
	c.ExpectContinueResponse(c.Continue(tid))
	for {
		m := c.ReadMessage()
		if e, ok := m.(*dap.ThreadEvent); ok {
			threadEvent(e)
			continue
		}
		if e, ok := m.(*dap.ExitedEvent); !ok || e.Body.ExitCode != 0 {
			t.Fatalf("after the last continue: %s; want thread exits then exited 0", daptest.Describe(m))
		}
		break
	}
	c.ExpectTerminatedEvent()
	if len(announced) != n+1 || len(gone) != n+1 {
		t.Errorf("%d threads announced and %d exited, want %d each (the workers and main)", len(announced), len(gone), n+1)
	}
	if got := c.Output("stdout"); got != itoa(n)+" threads done\n" {
		t.Errorf("stdout %q", got)
	}
	disconnect(t, c, nil)
}
