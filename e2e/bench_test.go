package e2e

import (
	"testing"
	"time"

	"github.com/dapproc/dapproc/internal/daptest"
	"github.com/dapproc/dapproc/internal/fixture"
)

// These benchmarks time the built dapproc over stdio, as an editor sees it.
// Run them without -race (which builds a race-instrumented binary):
//
//	go test -run '^$' -bench . -benchtime 2000x ./e2e

// stoppedInSpin starts a session on demo.c spin stopped at the breakpoint
// in its loop, and returns the client and thread.
func stoppedInSpin(b *testing.B) (*daptest.Client, int) {
	bin, src := program(b)
	c, _ := daptest.StartStdio(b, dapproc)
	c.ExpectInitializeResponse(c.Initialize())
	c.ExpectInitializedEvent()
	c.ExpectLaunchResponse(c.Launch(map[string]any{"program": bin, "args": []string{"spin"}}))
	pid := c.ExpectProcessEvent().Body.SystemProcessId
	c.ExpectThreadEvent("started")
	c.ExpectSetBreakpointsResponse(c.SetBreakpoints(src, fixture.Line(b, "demo.c", "spin")))
	c.CollectOutput("stdout")
	c.ExpectConfigurationDoneResponse(c.ConfigurationDone())
	if e := c.ExpectStoppedEvent("breakpoint"); e.Body.ThreadId != pid {
		b.Fatalf("stopped thread %d, want %d", e.Body.ThreadId, pid)
	}
	return c, pid
}

// One breakpoint round trip: continue, its response, the stopped event of
// the next hit.
func BenchmarkBreakpointRoundTrip(b *testing.B) {
	c, tid := stoppedInSpin(b)
	for b.Loop() {
		c.ExpectContinueResponse(c.Continue(tid))
		c.ExpectStoppedEvent("breakpoint")
	}
}

// One instruction step: stepIn with granularity instruction, its response,
// the stopped event.
func BenchmarkStepInstruction(b *testing.B) {
	c, tid := stoppedInSpin(b)
	for b.Loop() {
		c.ExpectStepInResponse(c.StepInstruction(tid))
		c.ExpectStoppedEvent("step")
	}
}

// From initialize to the first breakpoint's stopped event, with a fresh
// dapproc each time (its start is included; building the program is not).
func BenchmarkInitializeToFirstStop(b *testing.B) {
	bin, src := program(b)
	line := fixture.Line(b, "demo.c", "add")
	var total time.Duration
	for b.Loop() {
		start := time.Now()
		c, a := daptest.StartStdio(b, dapproc)
		c.ExpectInitializeResponse(c.Initialize())
		c.ExpectInitializedEvent()
		c.ExpectLaunchResponse(c.Launch(map[string]any{"program": bin, "args": []string{"add"}}))
		c.ExpectProcessEvent()
		c.ExpectThreadEvent("started")
		c.ExpectSetBreakpointsResponse(c.SetBreakpoints(src, line))
		c.CollectOutput("stdout", "stderr")
		c.ExpectConfigurationDoneResponse(c.ConfigurationDone())
		c.ExpectStoppedEvent("breakpoint")
		total += time.Since(start)

		a.CloseStdin() // the client goes away: the program is killed
		a.Wait()
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/first-stop")
}
