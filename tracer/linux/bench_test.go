//go:build linux

package linux

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
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
	p, addr := launchWithBreakpointAtHot(b)
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
	p := launchStoppedInHot(b)
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

// launchWithBreakpointAtHot starts tracer_loop.c with a breakpoint at
// hot()'s entry.
func launchWithBreakpointAtHot(b *testing.B) (*Process, uint64) {
	bin := buildC(b, "tracer_loop.c")
	p := launch(b, bin.path, "4000000000")
	addr := bin.symbol(b, p, "hot")
	if err := p.SetBreakpoint(addr); err != nil {
		b.Fatal(err)
	}
	return p, addr
}

// launchStoppedInHot starts tracer_loop.c and stops it at hot()'s entry,
// with no breakpoint left.
func launchStoppedInHot(b *testing.B) *Process {
	p, addr := launchWithBreakpointAtHot(b)
	if _, err := p.Continue(); err != nil {
		b.Fatal(err)
	}
	if err := p.ClearBreakpoint(addr); err != nil {
		b.Fatal(err)
	}
	return p
}

// spinAndPark runs a benchmark with the hand-off to the monitor spinning
// for 200 µs before it sleeps and sleeping at once (the default), to keep
// the choice measured.
func spinAndPark(b *testing.B, f func(*testing.B)) {
	saved := spinFor
	defer func() { spinFor = saved }()
	for _, spin := range []time.Duration{200 * time.Microsecond, 0} {
		b.Run(map[bool]string{true: "spin", false: "park"}[spin != 0], func(b *testing.B) {
			spinFor = spin
			f(b)
		})
	}
}

// BenchmarkPtraceLimit runs the raw C ceiling, ptrace_limit.c from the
// shared bench directory, on the same fixture in the same run, so ns/op
// can be compared directly: ours / its = the fraction of the raw rate we
// reach (inverted). Skipped where the C source is absent. Set
// DAPPROC_PTRACE_LIMIT to its path to use another copy.
func BenchmarkPtraceLimit(b *testing.B) {
	src := os.Getenv("DAPPROC_PTRACE_LIMIT")
	if src == "" {
		src = "/work/shared/bench/ptrace_limit.c"
	}
	if _, err := os.Stat(src); err != nil {
		b.Skipf("no ptrace_limit.c: %v", err)
	}
	tool := filepath.Join(b.TempDir(), "ptrace_limit")
	if out, err := exec.Command("gcc", "-O2", "-o", tool, src).CombinedOutput(); err != nil {
		b.Fatalf("gcc ptrace_limit.c: %v\n%s", err, out)
	}
	bin := buildC(b, "tracer_loop.c")
	for _, phase := range []struct {
		name, figure string
		args         func(n int) []string
	}{
		{"bp_cycle", "raw_bp_cycles_per_s", func(n int) []string { return []string{strconv.Itoa(n), "1"} }},
		{"singlestep_getregs", "raw_singlesteps_getregs_per_s", func(n int) []string { return []string{"1", strconv.Itoa(n)} }},
	} {
		b.Run(phase.name, func(b *testing.B) {
			args := append([]string{bin.path}, phase.args(b.N)...)
			out, err := exec.Command(tool, append(args, "1000")...).Output()
			if err != nil {
				b.Fatalf("ptrace_limit: %v\n%s", err, out)
			}
			for _, line := range strings.Split(string(out), "\n") {
				var fig struct {
					Figure string
					Value  float64
				}
				if json.Unmarshal([]byte(line), &fig) == nil && fig.Figure == phase.figure {
					b.ReportMetric(1e9/fig.Value, "ns/op")
					return
				}
			}
			b.Fatalf("ptrace_limit printed no %s:\n%s", phase.figure, out)
		})
	}
}
