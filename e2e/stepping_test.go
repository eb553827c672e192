package e2e

import (
	"strings"
	"testing"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/internal/daptest"
	"github.com/dapproc/dapproc/internal/fixture"
)

// TestSourceStepping drives the built dapproc over stdio through
// step_main.c as a user would: stepIn, stepOut, next, stepIn over a libc
// call, stepInTargets and stepIn to the second target; restart, which
// stops at the first breakpoint again in a new process; goto over a line
// there (the output proves it).
func TestSourceStepping(t *testing.T) {
	const src = "step_main.c"
	bin, path := fixture.C(t, src), fixture.Source(t, src)
	line := func(marker string) int { return fixture.Line(t, src, marker) }
	c, _ := daptest.StartStdio(t, dapproc)
	c.CollectOutput("stdout", "stderr")
	caps := initialize(t, c)
	if !caps.SupportsStepInTargetsRequest || !caps.SupportsGotoTargetsRequest || !caps.SupportsSteppingGranularity ||
		!caps.SupportsRestartRequest || !caps.SupportsModulesRequest || !caps.SupportsLoadedSourcesRequest {
		t.Errorf("capabilities %+v lack stepping, restart or modules ones", caps)
	}
	pid := launch(t, c, bin)
	first := setBreakpoint(t, c, path, line("call_square"))
	c.ExpectConfigurationDoneResponse(c.ConfigurationDone())
	expectBreakpointStop(t, c, pid, pid, first)

	step := func(command string, args any, function, marker string) {
		t.Helper()
		seq := c.SendCommand(command, args)
		if r := c.ReadMessage(); r.(dap.ResponseMessage).GetResponse().RequestSeq != seq || !r.(dap.ResponseMessage).GetResponse().Success {
			t.Fatalf("%s: got %s, want its response", command, daptest.Describe(r))
		}
		if e := c.ExpectStoppedEvent("step").Body; e.ThreadId != pid {
			t.Fatalf("%s stopped thread %d, want %d", command, e.ThreadId, pid)
		}
		checkFrame(t, stack(t, c, pid, 1)[0], function, path, line(marker))
	}
	thread := map[string]any{"threadId": pid}
	step("stepIn", thread, "square", "square_body")
	step("stepOut", thread, "main", "call_square")
	step("next", thread, "main", "call_strlen")
	step("stepIn", thread, "main", "nested") // strlen has no line info: stepped over

	frame := stack(t, c, pid, 1)[0]
	targets := daptest.ExpectResponse[*dap.StepInTargetsResponse](c, c.SendCommand("stepInTargets", map[string]any{"frameId": frame.Id})).Body.Targets
	if len(targets) != 2 || targets[0].Label != "inner" || targets[1].Label != "outer" {
		t.Fatalf("stepInTargets %+v, want inner then outer", targets)
	}
	step("stepIn", map[string]any{"threadId": pid, "targetId": targets[1].Id}, "outer", "outer_body")

	// restart: the first breakpoint again, in a new process.
	daptest.ExpectResponse[*dap.RestartResponse](c, c.SendCommand("restart", nil))
	if e := c.ExpectThreadEvent("exited").Body; e.ThreadId != pid {
		t.Errorf("thread exited %+v, want the old main thread %d", e, pid)
	}
	pid2 := c.ExpectProcessEvent().Body.SystemProcessId
	c.ExpectThreadEvent("started")
	bp := daptest.Expect[*dap.BreakpointEvent](c).Body.Breakpoint
	if pid2 == pid || bp.Id != first || !bp.Verified || bp.Line != line("call_square") {
		t.Fatalf("restart: process %d (was %d), breakpoint %+v", pid2, pid, bp)
	}
	expectBreakpointStop(t, c, pid2, pid2, first)

	// A breakpoint on the line to skip, then goto the line after it.
	c.ExpectSetBreakpointsResponse(c.SetBreakpoints(path, line("goto_skipped")))
	c.ExpectContinueResponse(c.Continue(pid2))
	c.ExpectStoppedEvent("breakpoint")
	gotos := daptest.ExpectResponse[*dap.GotoTargetsResponse](c, c.SendCommand("gotoTargets",
		map[string]any{"source": map[string]any{"path": path}, "line": line("goto_to")})).Body.Targets
	if len(gotos) != 1 {
		t.Fatalf("gotoTargets %+v, want one", gotos)
	}
	daptest.ExpectResponse[*dap.GotoResponse](c, c.SendCommand("goto", map[string]any{"threadId": pid2, "targetId": gotos[0].Id}))
	c.ExpectStoppedEvent("goto")
	checkFrame(t, stack(t, c, pid2, 1)[0], "goto_demo", path, line("goto_to"))
	c.ExpectSetBreakpointsResponse(c.SetBreakpoints(path))
	c.ExpectContinueResponse(c.Continue(pid2))
	c.ExpectThreadEvent("exited")
	c.ExpectExitedEvent(0)
	c.ExpectTerminatedEvent()
	// The first process was killed before it printed anything; the second
	// skipped the += 10.
	if out := c.Output("stdout"); !strings.HasPrefix(out, "counter 1\n") || strings.Count(out, "counter") != 1 {
		t.Errorf("stdout %q, want one run that printed counter 1", out)
	}
	disconnect(t, c, nil)
}
