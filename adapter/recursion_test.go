package adapter

import (
	"testing"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/internal/fixture"
)

// TestStepsInRecursion: next over a recursive call, and stepOut of a
// recursive frame, end in the frame they started from, although the
// deeper calls of the same function pass the same lines and return
// addresses first.
func TestStepsInRecursion(t *testing.T) {
	const src = "session_recurse.c"
	c := startReal(t)
	pid := launchReal(t, c, map[string]any{"program": fixture.C(t, src)})
	requestBreakpoints(t, c, fixture.Source(t, src), fixture.Line(t, src, "fact_call"))
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
	wantStopped(t, c, "breakpoint", pid)
	outer := requestStack(t, c, pid, 0, 0).Body.TotalFrames // fact(5)
	continueThread(t, c, pid)
	wantStopped(t, c, "breakpoint", pid) // fact(4)
	if depth := requestStack(t, c, pid, 0, 0).Body.TotalFrames; depth != outer+1 {
		t.Fatalf("second hit at depth %d, want %d", depth, outer+1)
	}
	requestBreakpoints(t, c, fixture.Source(t, src))

	seq = c.send("next", &dap.NextRequest{Arguments: dap.NextArguments{ThreadId: pid}})
	wantResponse[*dap.NextResponse](c, seq)
	wantStopped(t, c, "step", pid)
	wantTop(t, c, pid, "fact", fixture.Line(t, src, "fact_return"))
	if depth := requestStack(t, c, pid, 0, 0).Body.TotalFrames; depth != outer+1 {
		t.Errorf("next over the recursive call ended at depth %d, want %d (the same frame)", depth, outer+1)
	}

	seq = c.send("stepOut", &dap.StepOutRequest{Arguments: dap.StepOutArguments{ThreadId: pid}})
	wantResponse[*dap.StepOutResponse](c, seq)
	wantStopped(t, c, "step", pid)
	wantTop(t, c, pid, "fact", fixture.Line(t, src, "fact_call"))
	if depth := requestStack(t, c, pid, 0, 0).Body.TotalFrames; depth != outer {
		t.Errorf("stepOut ended at depth %d, want %d (the caller, fact(5))", depth, outer)
	}
	continueThread(t, c, pid)
	wantExit(t, c, 0)
	if got := c.out.stdout.String(); got != "120\n" {
		t.Errorf("stdout %q", got)
	}
}
