package e2e

import (
	"fmt"
	"testing"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/internal/daptest"
	"github.com/dapproc/dapproc/internal/fixture"
)

// A Go program whose goroutines the runtime preempts with SIGURG: the
// signals reach the program without stopping the session, the breakpoint
// stops it in main.add called from main.main, and it exits with its code and
// all its output.
func TestGoProgram(t *testing.T) {
	bin := fixture.Go(t, "e2e_go")
	src := fixture.Source(t, "e2e_go/main.go")
	line := fixture.Line(t, "e2e_go/main.go", "goadd")
	c, _ := daptest.StartStdio(t, dapproc)
	c.CollectOutput("stdout", "stderr")
	initialize(t, c)
	pid := launch(t, c, bin)
	id := setBreakpoint(t, c, src, line)
	c.ExpectConfigurationDoneResponse(c.ConfigurationDone())

	live := map[int]bool{pid: true}
	// nextNonThread keeps the thread list from thread events and returns the
	// first other message.
	nextNonThread := func() dap.Message {
		for {
			m := c.ReadMessage()
			e, ok := m.(*dap.ThreadEvent)
			if !ok {
				return m
			}
			switch tid := e.Body.ThreadId; {
			case e.Body.Reason == "started" && !live[tid]:
				live[tid] = true
			case e.Body.Reason == "exited" && live[tid]:
				delete(live, tid)
			default:
				t.Fatalf("unexpected %s", daptest.Describe(e))
			}
		}
	}
	m := nextNonThread()
	stop, ok := m.(*dap.StoppedEvent)
	if !ok || stop.Body.Reason != "breakpoint" || len(stop.Body.HitBreakpointIds) != 1 || stop.Body.HitBreakpointIds[0] != id {
		t.Fatalf("want the breakpoint's stopped event, got %s", daptest.Describe(m))
	}
	tid := stop.Body.ThreadId
	if !live[tid] || !exists(fmt.Sprintf("/proc/%d/task/%d", pid, tid)) {
		t.Fatalf("stopped thread %d is not a live thread of %d (announced: %v)", tid, pid, live)
	}
	threads := c.ExpectThreadsResponse(c.Threads()).Body.Threads
	if len(threads) != len(live) {
		t.Errorf("threads lists %d threads, the thread events announced %d", len(threads), len(live))
	}
	frames := stack(t, c, tid, 2)
	checkFrame(t, frames[0], "main.add", src, line)
	if frames[1].Name != "main.main" {
		t.Errorf("add's caller is %q, want main.main", frames[1].Name)
	}

	c.ExpectContinueResponse(c.Continue(tid))
	m = nextNonThread()
	if exited, ok := m.(*dap.ExitedEvent); !ok || exited.Body.ExitCode != 3 {
		t.Fatalf("want exited with code 3, got %s", daptest.Describe(m))
	}
	c.ExpectTerminatedEvent()
	if got, want := c.Output("stdout"), "goroutines done: 70000000\nsum 5\n"; got != want {
		t.Errorf("stdout %q, want %q", got, want)
	}
	if got, want := c.Output("stderr"), "to stderr\n"; got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
	disconnect(t, c, nil)
}
