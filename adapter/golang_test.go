package adapter

import (
	"testing"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/internal/fixture"
)

// TestGoProgram debugs a Go program: its runtime threads come and go, its
// preemption signals (SIGURG) pass without a stop, and a breakpoint in a Go
// function stops with a Go stack.
func TestGoProgram(t *testing.T) {
	prog := fixture.Go(t, "session_go")
	src := fixture.Source(t, "session_go/main.go")
	line := fixture.Line(t, "session_go/main.go", "go_square")
	c := startReal(t)
	pid := launchReal(t, c, map[string]any{"program": prog})
	bps := requestBreakpoints(t, c, src, line)
	if !bps[0].Verified || bps[0].Line != line {
		t.Fatalf("breakpoint in Go code: %+v", bps[0])
	}
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
	st := wantStopped(t, c, "breakpoint", 0)
	frames := requestStack(t, c, st.Body.ThreadId, 0, 2).Body.StackFrames
	if frames[0].Name != "main.square" || frames[0].Line != line || frames[1].Name != "main.main" {
		t.Errorf("Go stack: %+v", frames)
	}
	seq = c.send("threads", &dap.ThreadsRequest{})
	th := wantResponse[*dap.ThreadsResponse](c, seq)
	found := false
	for _, thr := range th.Body.Threads {
		found = found || thr.Id == pid
	}
	if len(th.Body.Threads) < 2 || !found {
		t.Errorf("threads of a Go program: %+v, want the main thread %d and runtime threads", th.Body.Threads, pid)
	}
	continueThread(t, c, st.Body.ThreadId)
	wantExit(t, c, 5)
	if got := c.out.stdout.String(); got != "square 49\n" {
		t.Errorf("stdout %q", got)
	}
}
