package adapter

import (
	"testing"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/internal/fixture"
)

func startBench(b *testing.B) *client { return startReal(b) }

// launchBench launches the fixture built from src, through the process
// and thread events.
func launchBench(b *testing.B, c *client, src string) int {
	return launchReal(b, c, map[string]any{"program": fixture.C(b, src)})
}

// stopInSpin launches session_spin.c for a benchmark and runs it to a
// breakpoint at marker; with clear, that breakpoint is then removed.
func stopInSpin(b *testing.B, marker string, clear bool) (*client, int) {
	c := startBench(b)
	pid := launchBench(b, c, spinSrc)
	requestBreakpoints(c.t, c, fixture.Source(b, spinSrc), fixture.Line(b, spinSrc, marker))
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
	wantStopped(c.t, c, "breakpoint", pid)
	if clear {
		requestBreakpoints(c.t, c, fixture.Source(b, spinSrc))
	}
	return c, pid
}

// BenchmarkBreakpointRoundTrip measures continue → stopped at a breakpoint
// hit on every iteration of session_spin.c's loop: the request, the
// resume, the trap, the stop of the world and the stopped event.
func BenchmarkBreakpointRoundTrip(b *testing.B) {
	c, pid := stopInSpin(b, "tick", false)
	b.ResetTimer()
	for b.Loop() {
		continueThread(c.t, c, pid)
		wantStopped(c.t, c, "breakpoint", pid)
	}
}

// BenchmarkInstructionStep measures next with granularity instruction,
// request to stopped event.
func BenchmarkInstructionStep(b *testing.B) {
	c, pid := stopInSpin(b, "tick", true)
	b.ResetTimer()
	for b.Loop() {
		seq := c.send("next", &dap.NextRequest{Arguments: dap.NextArguments{ThreadId: pid, Granularity: "instruction"}})
		wantResponse[*dap.NextResponse](c, seq)
		wantStopped(c.t, c, "step", pid)
	}
}

// BenchmarkLaunchToFirstStop measures a whole session start: initialize,
// launch, setBreakpoints, configurationDone, up to the first breakpoint
// stop (then the debuggee is killed, outside the timing).
func BenchmarkLaunchToFirstStop(b *testing.B) {
	prog := fixture.C(b, basicSrc)
	src := fixture.Source(b, basicSrc)
	line := fixture.Line(b, basicSrc, "add_body")
	for b.Loop() {
		c := startBench(b)
		handshake(c.t, c)
		seq := c.send("launch", &dap.LaunchRequest{Arguments: []byte(`{"program":"` + prog + `"}`)})
		wantResponse[*dap.LaunchResponse](c, seq)
		pid := want[*dap.ProcessEvent](c).Body.SystemProcessId
		want[*dap.ThreadEvent](c)
		requestBreakpoints(c.t, c, src, line)
		seq = c.send("configurationDone", &dap.ConfigurationDoneRequest{})
		wantResponse[*dap.ConfigurationDoneResponse](c, seq)
		wantStopped(c.t, c, "breakpoint", pid)
		b.StopTimer()
		seq = c.send("disconnect", &dap.DisconnectRequest{})
		wantExit(c.t, c, 137)
		wantResponse[*dap.DisconnectResponse](c, seq)
		if err := c.closeAndWait(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkBreakpointRoundTrip32Threads is BenchmarkBreakpointRoundTrip
// with 32 threads on one breakpoint: each stop stops the whole world.
func BenchmarkBreakpointRoundTrip32Threads(b *testing.B) {
	const src = "session_many.c"
	c := startBench(b)
	launchReal(b, c, map[string]any{"program": fixture.C(b, src, "-pthread")})
	requestBreakpoints(c.t, c, fixture.Source(b, src), fixture.Line(b, src, "many_hit"))
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
	st := wantStopped(c.t, c, "breakpoint", 0)
	b.ResetTimer()
	for b.Loop() {
		continueThread(c.t, c, st.Body.ThreadId)
		st = wantStopped(c.t, c, "breakpoint", 0)
	}
}

// BenchmarkNextLine measures next at source level in session_spin.c's
// loop, request to stopped event.
func BenchmarkNextLine(b *testing.B) {
	c, pid := stopInSpin(b, "loop", true)
	b.ResetTimer()
	for b.Loop() {
		seq := c.send("next", &dap.NextRequest{Arguments: dap.NextArguments{ThreadId: pid}})
		wantResponse[*dap.NextResponse](c, seq)
		wantStopped(c.t, c, "step", pid)
	}
}
