package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/internal/daptest"
	"github.com/dapproc/dapproc/internal/fixture"
)

// Conditions, hit conditions, logpoints, function and instruction
// breakpoints, and signals as exception filters, through the dapproc
// binary.

const (
	brkLoop    = "brk_loop.c"
	brkSignals = "brk_signals.c"
	brkCpp     = "brk_cpp.cpp"
)

// brkLaunch starts dapproc, collects the program's output and the console,
// and launches the fixture built from src with args; it returns the pid.
func brkLaunch(t *testing.T, src string, args ...string) (*daptest.Client, int) {
	t.Helper()
	c, _ := daptest.StartStdio(t, dapproc)
	c.CollectOutput("stdout", "stderr", "console")
	initialize(t, c)
	return c, launch(t, c, fixture.C(t, src), args...)
}

// brkSetBreakpoints sets source breakpoints in src and checks they are
// verified on their lines.
func brkSetBreakpoints(t *testing.T, c *daptest.Client, src string, bps ...dap.SourceBreakpoint) []dap.Breakpoint {
	t.Helper()
	got := c.ExpectSetBreakpointsResponse(c.SendCommand("setBreakpoints", dap.SetBreakpointsArguments{
		Source: dap.Source{Path: fixture.Source(t, src)}, Breakpoints: bps})).Body.Breakpoints
	for i, b := range got {
		if !b.Verified || b.Line != bps[i].Line {
			t.Fatalf("breakpoint %d: %+v, want verified on line %d", i, b, bps[i].Line)
		}
	}
	return got
}

// brkStopped expects a stopped event with reason on thread pid, naming ids.
func brkStopped(t *testing.T, c *daptest.Client, reason string, pid int, ids ...int) *dap.StoppedEvent {
	t.Helper()
	e := c.ExpectStoppedEvent(reason)
	if e.Body.ThreadId != pid || !e.Body.AllThreadsStopped || (ids != nil && !slices.Equal(e.Body.HitBreakpointIds, ids)) {
		t.Fatalf("stopped %+v, want thread %d, all stopped, hitBreakpointIds %v", e.Body, pid, ids)
	}
	return e
}

// brkEvaluate evaluates expr in thread tid's innermost frame.
func brkEvaluate(t *testing.T, c *daptest.Client, tid int, expr string) string {
	t.Helper()
	frame := stack(t, c, tid, 1)[0].Id
	r := daptest.ExpectResponse[*dap.EvaluateResponse](c, c.SendCommand("evaluate",
		dap.EvaluateArguments{Expression: expr, FrameId: frame, Context: "watch"}))
	return r.Body.Result
}

// brkExit expects the end of the program with code, then disconnects.
func brkExit(t *testing.T, c *daptest.Client, code int) {
	t.Helper()
	c.ExpectThreadEvent("exited")
	c.ExpectExitedEvent(code)
	c.ExpectTerminatedEvent()
	disconnect(t, c, nil)
}

func TestHitConditionThirdHit(t *testing.T) {
	c, pid := brkLaunch(t, brkLoop, "5")
	hot := fixture.Line(t, brkLoop, "hot")
	id := brkSetBreakpoints(t, c, brkLoop, dap.SourceBreakpoint{Line: hot, HitCondition: "3"})[0].Id
	c.ExpectConfigurationDoneResponse(c.ConfigurationDone())
	for _, want := range []string{"2", "3", "4"} { // "3": the third hit and every one after
		brkStopped(t, c, "breakpoint", pid, id)
		if i := brkEvaluate(t, c, pid, "i"); i != want {
			t.Errorf("i = %s, want %s", i, want)
		}
		c.ExpectContinueResponse(c.Continue(pid))
	}
	brkExit(t, c, 0)
	if got := c.Output("stdout"); got != "done 10\n" {
		t.Errorf("stdout %q", got)
	}
}

func TestConditionStopsOnceWithItsValue(t *testing.T) {
	c, pid := brkLaunch(t, brkLoop, "10")
	id := brkSetBreakpoints(t, c, brkLoop, dap.SourceBreakpoint{Line: fixture.Line(t, brkLoop, "hot"), Condition: "i == 5"})[0].Id
	c.ExpectConfigurationDoneResponse(c.ConfigurationDone())
	brkStopped(t, c, "breakpoint", pid, id)
	if i := brkEvaluate(t, c, pid, "i"); i != "5" {
		t.Errorf("i = %s, want 5", i)
	}
	if s := brkEvaluate(t, c, pid, "sink"); s != "10" {
		t.Errorf("sink = %s, want 10 (0+1+2+3+4)", s)
	}
	c.ExpectContinueResponse(c.Continue(pid))
	brkExit(t, c, 0)
	if got := c.Output("stdout"); got != "done 45\n" {
		t.Errorf("stdout %q", got)
	}
}

func TestLogpointLinesInOrder(t *testing.T) {
	c, _ := brkLaunch(t, brkLoop, "4")
	brkSetBreakpoints(t, c, brkLoop, dap.SourceBreakpoint{Line: fixture.Line(t, brkLoop, "hot"), LogMessage: "hot({i}) sink={sink}"})
	c.ExpectConfigurationDoneResponse(c.ConfigurationDone())
	brkExit(t, c, 0)
	if got, want := c.Output("console"), "hot(0) sink=0\nhot(1) sink=0\nhot(2) sink=1\nhot(3) sink=3\n"; got != want {
		t.Errorf("console %q, want %q", got, want)
	}
}

func TestFailingConditionStopsWithTheReason(t *testing.T) {
	c, pid := brkLaunch(t, brkLoop, "3")
	id := brkSetBreakpoints(t, c, brkLoop, dap.SourceBreakpoint{Line: fixture.Line(t, brkLoop, "hot"), Condition: "i +* 2"})[0].Id
	c.ExpectConfigurationDoneResponse(c.ConfigurationDone())
	e := brkStopped(t, c, "breakpoint", pid, id)
	if !strings.Contains(e.Body.Description, `condition "i +* 2" could not be evaluated`) {
		t.Errorf("description %q, want the condition's failure", e.Body.Description)
	}
	if !strings.Contains(c.Output("console"), e.Body.Description) {
		t.Errorf("console %q does not carry %q", c.Output("console"), e.Body.Description)
	}
	if i := brkEvaluate(t, c, pid, "i"); i != "0" {
		t.Errorf("stopped with i = %s, want the first hit", i)
	}
	// It stops at every hit until fixed.
	for range 2 {
		c.ExpectContinueResponse(c.Continue(pid))
		brkStopped(t, c, "breakpoint", pid, id)
	}
	c.ExpectContinueResponse(c.Continue(pid))
	brkExit(t, c, 0)
}

func TestFunctionBreakpointsCAndCpp(t *testing.T) {
	t.Run("C", func(t *testing.T) {
		c, pid := brkLaunch(t, brkLoop, "2")
		bps := daptest.ExpectResponse[*dap.SetFunctionBreakpointsResponse](c, c.SendCommand("setFunctionBreakpoints", dap.SetFunctionBreakpointsArguments{
			Breakpoints: []dap.FunctionBreakpoint{{Name: "hot"}, {Name: "hot_and_cold"}}})).Body.Breakpoints
		if len(bps) != 2 || !bps[0].Verified || bps[1].Verified || !strings.Contains(bps[1].Message, `"hot_and_cold"`) {
			t.Fatalf("function breakpoints %+v, want hot verified and hot_and_cold not, with a reason", bps)
		}
		c.ExpectConfigurationDoneResponse(c.ConfigurationDone())
		for _, want := range []string{"0", "1"} {
			brkStopped(t, c, "function breakpoint", pid, bps[0].Id)
			checkFrame(t, stack(t, c, pid, 1)[0], "hot", fixture.Source(t, brkLoop), fixture.Line(t, brkLoop, "hot"))
			if i := brkEvaluate(t, c, pid, "i"); i != want {
				t.Errorf("i = %s, want %s", i, want)
			}
			c.ExpectContinueResponse(c.Continue(pid))
		}
		brkExit(t, c, 0)
	})
	t.Run("C++ method", func(t *testing.T) {
		c, pid := brkLaunch(t, brkCpp)
		bps := daptest.ExpectResponse[*dap.SetFunctionBreakpointsResponse](c, c.SendCommand("setFunctionBreakpoints", dap.SetFunctionBreakpointsArguments{
			Breakpoints: []dap.FunctionBreakpoint{{Name: "shapes::Circle::area"}}})).Body.Breakpoints
		if len(bps) != 1 || !bps[0].Verified {
			t.Fatalf("function breakpoint %+v", bps)
		}
		c.ExpectConfigurationDoneResponse(c.ConfigurationDone())
		brkStopped(t, c, "function breakpoint", pid, bps[0].Id)
		checkFrame(t, stack(t, c, pid, 1)[0], "shapes::Circle::area() const", fixture.Source(t, brkCpp), fixture.Line(t, brkCpp, "area"))
		if r := brkEvaluate(t, c, pid, "this->r_"); r != "2" {
			t.Errorf("this->r_ = %s, want 2", r)
		}
		c.ExpectContinueResponse(c.Continue(pid))
		brkExit(t, c, 0)
	})
}

func TestInstructionBreakpointWithOffset(t *testing.T) {
	c, pid := brkLaunch(t, brkLoop, "3")
	// The function breakpoint's answer gives hot's body address.
	fn := daptest.ExpectResponse[*dap.SetFunctionBreakpointsResponse](c, c.SendCommand("setFunctionBreakpoints", dap.SetFunctionBreakpointsArguments{
		Breakpoints: []dap.FunctionBreakpoint{{Name: "hot"}}})).Body.Breakpoints[0]
	var addr uint64
	if _, err := fmt.Sscanf(fn.InstructionReference, "0x%x", &addr); err != nil || addr == 0 {
		t.Fatalf("function breakpoint %+v has no address", fn)
	}
	daptest.ExpectResponse[*dap.SetFunctionBreakpointsResponse](c, c.SendCommand("setFunctionBreakpoints", dap.SetFunctionBreakpointsArguments{
		Breakpoints: []dap.FunctionBreakpoint{}}))
	r := daptest.ExpectResponse[*dap.SetInstructionBreakpointsResponse](c, c.SendCommand("setInstructionBreakpoints", dap.SetInstructionBreakpointsArguments{
		Breakpoints: []dap.InstructionBreakpoint{{InstructionReference: fmt.Sprintf("%#x", addr-8), Offset: 8, Condition: "i == 1"}}}))
	bp := r.Body.Breakpoints[0]
	if !bp.Verified || bp.InstructionReference != fn.InstructionReference || bp.Line != fixture.Line(t, brkLoop, "hot") {
		t.Fatalf("instruction breakpoint %+v, want verified at %s on the line of hot", bp, fn.InstructionReference)
	}
	c.ExpectConfigurationDoneResponse(c.ConfigurationDone())
	brkStopped(t, c, "instruction breakpoint", pid, bp.Id)
	if got := pc(t, stack(t, c, pid, 1)[0]); got != addr {
		t.Errorf("stopped at %#x, want %#x", got, addr)
	}
	if i := brkEvaluate(t, c, pid, "i"); i != "1" {
		t.Errorf("i = %s, want 1", i)
	}
	c.ExpectContinueResponse(c.Continue(pid))
	brkExit(t, c, 0)
}

func TestSignalsPassThenStopWithUserFilter(t *testing.T) {
	t.Run("passed silently by default", func(t *testing.T) {
		c, _ := brkLaunch(t, brkSignals)
		c.ExpectConfigurationDoneResponse(c.ConfigurationDone())
		brkExit(t, c, 0)
		if got := c.Output("stdout"); got != "usr1 handled 2\n" {
			t.Errorf("stdout %q", got)
		}
	})
	t.Run("user filter", func(t *testing.T) {
		c, pid := brkLaunch(t, brkSignals)
		daptest.ExpectResponse[*dap.SetExceptionBreakpointsResponse](c, c.SendCommand("setExceptionBreakpoints",
			dap.SetExceptionBreakpointsArguments{Filters: []string{"fatal", "user"}}))
		c.ExpectConfigurationDoneResponse(c.ConfigurationDone())
		for _, marker := range []string{"raise1", "raise2"} {
			e := brkStopped(t, c, "exception", pid)
			if want := fmt.Sprintf("SIGUSR1 sent by process %d (tgkill)", pid); e.Body.Description != want {
				t.Errorf("description %q, want %q", e.Body.Description, want)
			}
			frames := stack(t, c, pid, 0)
			if !slices.ContainsFunc(frames, func(f dap.StackFrame) bool {
				return f.Name == "main" && f.Line == fixture.Line(t, brkSignals, marker)
			}) {
				t.Errorf("no frame of main at %s in %+v", marker, frames)
			}
			c.ExpectContinueResponse(c.Continue(pid))
		}
		brkExit(t, c, 0)
		if got := c.Output("stdout"); got != "usr1 handled 2\n" {
			t.Errorf("stdout %q: each signal must reach the handler after its stop", got)
		}
	})
}

func TestSegvExceptionInfoText(t *testing.T) {
	c, pid := brkLaunch(t, brkSignals, "crash")
	c.ExpectConfigurationDoneResponse(c.ConfigurationDone())
	brkStopped(t, c, "exception", pid)
	checkFrame(t, stack(t, c, pid, 1)[0], "main", fixture.Source(t, brkSignals), fixture.Line(t, brkSignals, "crash"))
	info := daptest.ExpectResponse[*dap.ExceptionInfoResponse](c, c.SendCommand("exceptionInfo", dap.ExceptionInfoArguments{ThreadId: pid})).Body
	if info.ExceptionId != "SIGSEGV" || info.Description != "SIGSEGV at 0x10: address not mapped (SEGV_MAPERR)" || info.BreakMode != "always" {
		t.Errorf("exceptionInfo %+v", info)
	}
	if info.Details == nil || info.Details.Message != "SIGSEGV at 0x10: address not mapped (SEGV_MAPERR). The program has no handler for it: continuing delivers it and ends the program." {
		t.Errorf("exceptionInfo details %+v", info.Details)
	}
	c.ExpectContinueResponse(c.Continue(pid))
	brkExit(t, c, 128+11)
}
