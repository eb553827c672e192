//go:build linux

package linux

import (
	"testing"
	"time"

	"github.com/dapproc/dapproc/tracer"
)

// The benchmarks here match the cycles of /work/shared/bench/ptrace_limit.c
// run on the same fixture (tracer_loop.c): compare ns/op with its rates.

// BenchmarkBreakpointCycle: Continue to a breakpoint at hot()'s entry and
// back, i.e. continue, hit, rewind, step over, re-insert.
func BenchmarkBreakpointCycle(b *testing.B) {
	spinAndPark(b, benchBreakpointCycle)
}

func benchBreakpointCycle(b *testing.B) {
	bin := buildC(b, "tracer_loop.c")
	p := launch(b, bin.path, "4000000000")
	addr := bin.symbol(b, p, "hot")
	if err := p.SetBreakpoint(addr); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ev, err := p.Continue()
		if err != nil || ev.Reason != tracer.StopBreakpoint || ev.Addr != addr {
			b.Fatalf("cycle %d: %+v %v", i, ev, err)
		}
	}
}

// BenchmarkStepInstruction: one StepInstruction and a register read.
func BenchmarkStepInstruction(b *testing.B) {
	spinAndPark(b, benchStepInstruction)
}

func benchStepInstruction(b *testing.B) {
	bin := buildC(b, "tracer_loop.c")
	p := launch(b, bin.path, "4000000000")
	addr := bin.symbol(b, p, "hot")
	if err := p.SetBreakpoint(addr); err != nil {
		b.Fatal(err)
	}
	if _, err := p.Continue(); err != nil {
		b.Fatal(err)
	}
	if err := p.ClearBreakpoint(addr); err != nil {
		b.Fatal(err)
	}
	tid := p.Pid()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ev, err := p.StepInstruction(tid)
		if err != nil || ev.Reason != tracer.StopStep {
			b.Fatalf("step %d: %+v %v", i, ev, err)
		}
		if _, err := p.Regs(tid); err != nil {
			b.Fatal(err)
		}
	}
}

// spinAndPark runs a benchmark with the hand-off to the monitor spinning
// before it sleeps (the default) and sleeping at once, to keep the choice
// measured.
func spinAndPark(b *testing.B, f func(*testing.B)) {
	saved := spinFor
	defer func() { spinFor = saved }()
	for _, spin := range []time.Duration{saved, 0} {
		b.Run(map[bool]string{true: "spin", false: "park"}[spin != 0], func(b *testing.B) {
			spinFor = spin
			f(b)
		})
	}
}
