package adapter

import (
	"strings"
	"testing"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/internal/fixture"
)

// Source-level stepping against step_main.c and step_threads.c: each
// test stops at a marker, steps, and checks the function and line reached
// (and the stack depth where recursion could fool the step).

const stepSrc = "step_main.c"

// startStepping launches step_main.c with a breakpoint at marker, runs
// to it, then removes the breakpoint so that only the steps stop.
func startStepping(t *testing.T, marker string) (*client, int) {
	t.Helper()
	c := startReal(t)
	pid := launchReal(t, c, map[string]any{"program": fixture.C(t, stepSrc)})
	requestBreakpoints(t, c, fixture.Source(t, stepSrc), fixture.Line(t, stepSrc, marker))
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
	wantStopped(t, c, "breakpoint", pid)
	requestBreakpoints(t, c, fixture.Source(t, stepSrc))
	return c, pid
}

// doStep sends a step request and reads its response.
func doStep(t *testing.T, c *client, command string, req dap.RequestMessage) {
	t.Helper()
	seq := c.send(command, req)
	m := c.nextNonOutput()
	if r, ok := m.(dap.ResponseMessage); !ok || !r.GetResponse().Success || r.GetResponse().RequestSeq != seq {
		t.Fatalf("%s: got %T %+v, want its response", command, m, m)
	}
}

func nextReq(tid int) *dap.NextRequest {
	return &dap.NextRequest{Arguments: dap.NextArguments{ThreadId: tid}}
}

func stepInReq(tid int) *dap.StepInRequest {
	return &dap.StepInRequest{Arguments: dap.StepInArguments{ThreadId: tid}}
}

func stepOutReq(tid int) *dap.StepOutRequest {
	return &dap.StepOutRequest{Arguments: dap.StepOutArguments{ThreadId: tid}}
}

// TestNextOverRecursionAtDepth3: at the third entry of depth() (three
// frames of it on the stack), next over its recursive call ends on the
// next line of that same frame, although the deeper calls pass the same
// lines and return to the same address first.
func TestNextOverRecursionAtDepth3(t *testing.T) {
	c := startReal(t)
	pid := launchReal(t, c, map[string]any{"program": fixture.C(t, stepSrc)})
	call := fixture.Line(t, stepSrc, "depth_call")
	requestBreakpoints(t, c, fixture.Source(t, stepSrc), call)
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
	wantStopped(t, c, "breakpoint", pid)
	first := requestStack(t, c, pid, 0, 0).Body.TotalFrames
	continueThread(t, c, pid)
	wantStopped(t, c, "breakpoint", pid)
	continueThread(t, c, pid)
	wantStopped(t, c, "breakpoint", pid)
	third := requestStack(t, c, pid, 0, 0).Body.TotalFrames
	if third != first+2 {
		t.Fatalf("third hit at %d frames, want %d", third, first+2)
	}
	requestBreakpoints(t, c, fixture.Source(t, stepSrc))

	doStep(t, c, "next", nextReq(pid))
	wantStopped(t, c, "step", pid)
	wantTop(t, c, pid, "depth", fixture.Line(t, stepSrc, "depth_after"))
	if got := requestStack(t, c, pid, 0, 0).Body.TotalFrames; got != third {
		t.Errorf("next ended at %d frames, want %d (the frame it started in)", got, third)
	}
}

// TestStepInOutAndOverLibc: stepIn enters a function at its first body
// line, stepOut comes back to the caller's line and says what the
// function returned, and stepIn on a line that calls only strlen (no line
// info) steps over it to the next line.
func TestStepInOutAndOverLibc(t *testing.T) {
	c, pid := startStepping(t, "call_square")
	steps := []struct {
		command     string
		req         dap.RequestMessage
		function    string
		marker      string
		description string
	}{
		{"stepIn", stepInReq(pid), "square", "square_body", ""},
		{"stepOut", stepOutReq(pid), "main", "call_square", "square returned 9"}, // argc is 1: square(3)
		{"next", nextReq(pid), "main", "call_strlen", ""},
		{"stepIn", stepInReq(pid), "main", "nested", ""},
	}
	for _, st := range steps {
		doStep(t, c, st.command, st.req)
		if ev := wantStopped(t, c, "step", pid); ev.Body.Description != st.description {
			t.Errorf("%s: description %q, want %q", st.command, ev.Body.Description, st.description)
		}
		wantTop(t, c, pid, st.function, fixture.Line(t, stepSrc, st.marker))
	}
}

// TestStepInTargets: the line `outer(inner(argc))` offers both callees in
// call order, and stepIn to the second one runs the first and stops at
// the first line of the second.
func TestStepInTargets(t *testing.T) {
	c, pid := startStepping(t, "nested")
	top := requestStack(t, c, pid, 0, 1).Body.StackFrames[0]
	seq := c.send("stepInTargets", &dap.StepInTargetsRequest{Arguments: dap.StepInTargetsArguments{FrameId: top.Id}})
	targets := wantResponse[*dap.StepInTargetsResponse](c, seq).Body.Targets
	var labels []string
	for _, tg := range targets {
		labels = append(labels, tg.Label)
	}
	if strings.Join(labels, ",") != "inner,outer" {
		t.Fatalf("stepInTargets %v, want [inner outer]", labels)
	}
	doStep(t, c, "stepIn", &dap.StepInRequest{Arguments: dap.StepInArguments{ThreadId: pid, TargetId: targets[1].Id}})
	wantStopped(t, c, "step", pid)
	wantTop(t, c, pid, "outer", fixture.Line(t, stepSrc, "outer_body"))
	frames := requestStack(t, c, pid, 0, 2).Body.StackFrames
	if frames[1].Name != "main" || frames[1].Line != fixture.Line(t, stepSrc, "nested") {
		t.Errorf("caller %s line %d, want main line %d", frames[1].Name, frames[1].Line, fixture.Line(t, stepSrc, "nested"))
	}
}

// TestInlinedCallSteps: gcc inlines twice_inl even at -O0. stepIn from
// the line before its call enters its body's lines; stepOut leaves them
// for the caller's next statement; next from the same place steps over
// the whole inlined body.
func TestInlinedCallSteps(t *testing.T) {
	c, pid := startStepping(t, "before_inl")
	doStep(t, c, "stepIn", stepInReq(pid))
	wantStopped(t, c, "step", pid)
	if f := requestStack(t, c, pid, 0, 1).Body.StackFrames[0]; f.Line != fixture.Line(t, stepSrc, "inl_body") {
		t.Fatalf("stepIn stopped at %s line %d, want the inlined body, line %d", f.Name, f.Line, fixture.Line(t, stepSrc, "inl_body"))
	}
	doStep(t, c, "stepOut", stepOutReq(pid))
	wantStopped(t, c, "step", pid)
	wantTop(t, c, pid, "main", fixture.Line(t, stepSrc, "inl_call"))

	c, pid = startStepping(t, "before_inl")
	doStep(t, c, "next", nextReq(pid))
	wantStopped(t, c, "step", pid)
	wantTop(t, c, pid, "main", fixture.Line(t, stepSrc, "inl_call"))
}

// TestGotoSkipsLine: goto from `counter += 10` to the printf skips the
// addition, which the program's output proves.
func TestGotoSkipsLine(t *testing.T) {
	c, pid := startStepping(t, "goto_skipped")
	to := fixture.Line(t, stepSrc, "goto_to")
	seq := c.send("gotoTargets", &dap.GotoTargetsRequest{Arguments: dap.GotoTargetsArguments{
		Source: dap.Source{Path: fixture.Source(t, stepSrc)}, Line: to}})
	targets := wantResponse[*dap.GotoTargetsResponse](c, seq).Body.Targets
	if len(targets) != 1 || targets[0].Line != to {
		t.Fatalf("gotoTargets %+v, want one target at line %d", targets, to)
	}
	seq = c.send("goto", &dap.GotoRequest{Arguments: dap.GotoArguments{ThreadId: pid, TargetId: targets[0].Id}})
	wantResponse[*dap.GotoResponse](c, seq)
	wantStopped(t, c, "goto", pid)
	wantTop(t, c, pid, "goto_demo", to)

	// A line of another function is refused: its frame would be wrong.
	seq = c.send("gotoTargets", &dap.GotoTargetsRequest{Arguments: dap.GotoTargetsArguments{
		Source: dap.Source{Path: fixture.Source(t, stepSrc)}, Line: fixture.Line(t, stepSrc, "after_all")}})
	other := wantResponse[*dap.GotoTargetsResponse](c, seq).Body.Targets
	seq = c.send("goto", &dap.GotoRequest{Arguments: dap.GotoArguments{ThreadId: pid, TargetId: other[0].Id}})
	if e := expectError(c, seq); !strings.Contains(e.Body.Error.Format, "current function") {
		t.Errorf("goto into main from goto_demo: %q", e.Body.Error.Format)
	}

	continueThread(t, c, pid)
	wantExit(t, c, 0)
	if out := c.out.stdout.String(); !strings.HasPrefix(out, "counter 1\n") {
		t.Errorf("stdout %q, want counter 1 (the += 10 skipped)", out)
	}
}

// TestNextEndsAtAnotherThreadsBreakpoint: main steps over a line that
// releases a worker and joins it; the worker's breakpoint is hit before
// main can finish the line, and ends the step as a breakpoint stop of the
// worker. The step's temporary breakpoints are gone afterwards: the
// program runs to its end.
func TestNextEndsAtAnotherThreadsBreakpoint(t *testing.T) {
	const src = "step_threads.c"
	c := startReal(t)
	pid := launchReal(t, c, map[string]any{"program": fixture.C(t, src, "-pthread")})
	requestBreakpoints(t, c, fixture.Source(t, src), fixture.Line(t, src, "join"))
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
	wantStopped(t, c, "breakpoint", pid)
	hit := fixture.Line(t, src, "worker_hit")
	bps := requestBreakpoints(t, c, fixture.Source(t, src), hit)

	doStep(t, c, "next", nextReq(pid))
	st := wantStopped(t, c, "breakpoint", 0)
	if st.Body.ThreadId == pid || len(st.Body.HitBreakpointIds) != 1 || st.Body.HitBreakpointIds[0] != bps[0].Id {
		t.Fatalf("stopped %+v, want the worker thread at breakpoint %d", st.Body, bps[0].Id)
	}
	wantTop(t, c, st.Body.ThreadId, "worker", hit)
	requestBreakpoints(t, c, fixture.Source(t, src))
	continueThread(t, c, pid)
	wantExit(t, c, 0)
	if out := c.out.stdout.String(); out != "seen x answered -1\n" {
		t.Errorf("stdout %q", out)
	}
}

// TestSingleThreadNext: next with singleThread over the line that
// releases the worker and waits 2 s for its answer runs main alone: the
// step ends on the next line of main with no answer (the program's output
// says so), and only the continue after it lets the worker run into its
// breakpoint.
func TestSingleThreadNext(t *testing.T) {
	const src = "step_threads.c"
	c := startReal(t)
	pid := launchReal(t, c, map[string]any{"program": fixture.C(t, src, "-pthread"), "args": []string{"poll"}})
	requestBreakpoints(t, c, fixture.Source(t, src), fixture.Line(t, src, "poll"))
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
	wantStopped(t, c, "breakpoint", pid)
	hit := fixture.Line(t, src, "worker_hit")
	requestBreakpoints(t, c, fixture.Source(t, src), hit)

	doStep(t, c, "next", &dap.NextRequest{Arguments: dap.NextArguments{ThreadId: pid, SingleThread: true}})
	wantStopped(t, c, "step", pid)
	wantTop(t, c, pid, "main", fixture.Line(t, src, "join"))
	continueThread(t, c, pid)
	st := wantStopped(t, c, "breakpoint", 0)
	wantTop(t, c, st.Body.ThreadId, "worker", hit)
	requestBreakpoints(t, c, fixture.Source(t, src))
	continueThread(t, c, pid)
	wantExit(t, c, 0)
	if out := c.out.stdout.String(); out != "seen x answered 0\n" {
		t.Errorf("stdout %q, want the worker's answer missed during the step", out)
	}
}

// TestStepsThroughCodeWithoutLines: stepIn on a call of a function
// without line info steps over it; stopped inside it (a function
// breakpoint), next runs until it returns to the caller that has lines.
func TestStepsThroughCodeWithoutLines(t *testing.T) {
	c, pid := startStepping(t, "call_nolines")
	doStep(t, c, "stepIn", stepInReq(pid))
	wantStopped(t, c, "step", pid)
	wantTop(t, c, pid, "main", fixture.Line(t, stepSrc, "after_all"))

	c, pid = startStepping(t, "call_nolines")
	seq := c.send("setFunctionBreakpoints", &dap.SetFunctionBreakpointsRequest{Arguments: dap.SetFunctionBreakpointsArguments{
		Breakpoints: []dap.FunctionBreakpoint{{Name: "nolines_twice"}}}})
	if bps := wantResponse[*dap.SetFunctionBreakpointsResponse](c, seq).Body.Breakpoints; len(bps) != 1 || !bps[0].Verified {
		t.Fatalf("function breakpoint on nolines_twice: %+v", bps)
	}
	continueThread(t, c, pid)
	wantStopped(t, c, "function breakpoint", pid)
	if top := requestStack(t, c, pid, 0, 1).Body.StackFrames[0]; top.Name != "nolines_twice" || top.Source != nil {
		t.Fatalf("stopped in %s (source %+v), want nolines_twice without line info", top.Name, top.Source)
	}
	doStep(t, c, "next", nextReq(pid))
	wantStopped(t, c, "step", pid)
	wantTop(t, c, pid, "main", fixture.Line(t, stepSrc, "call_nolines"))
}

// BenchmarkStepInOut measures a stepIn into tick() and the stepOut back
// to session_spin.c's loop, requests to stopped events, per pair.
func BenchmarkStepInOut(b *testing.B) {
	c, pid := stopInSpin(b, "loop", true)
	b.ResetTimer()
	for b.Loop() {
		seq := c.send("stepIn", stepInReq(pid))
		wantResponse[*dap.StepInResponse](c, seq)
		wantStopped(c.t, c, "step", pid)
		seq = c.send("stepOut", stepOutReq(pid))
		wantResponse[*dap.StepOutResponse](c, seq)
		wantStopped(c.t, c, "step", pid)
		// stepOut returned to the next line (the call ends the loop's
		// line); back to the call, untimed.
		b.StopTimer()
		seq = c.send("next", nextReq(pid))
		wantResponse[*dap.NextResponse](c, seq)
		wantStopped(c.t, c, "step", pid)
		b.StartTimer()
	}
}
