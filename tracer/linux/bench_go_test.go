//go:build linux

package linux

import (
	"testing"

	"github.com/dapproc/dapproc/tracer"
)

// The cycles of bench_test.go as the session runs them, through Process.Go:
// the monitor makes the ptrace calls and handles each stop itself, starting
// the next resume from the handler, so no other thread is woken per cycle.
// This is the figure to compare with ptrace_limit.c, which has no second
// thread either.

// BenchmarkBreakpointCycleOnMonitor: continue, hit, rewind, step over,
// re-insert, with the stop handled on the monitor.
func BenchmarkBreakpointCycleOnMonitor(b *testing.B) {
	p, addr := launchWithBreakpointAtHot(b)
	cont := func(tp tracer.Process) (tracer.StopEvent, error) { return tp.Continue() }
	b.ResetTimer()
	runChain(b, p, cont, func(ev tracer.StopEvent) bool {
		return ev.Reason == tracer.StopBreakpoint && ev.Addr == addr
	})
}

// BenchmarkStepInstructionOnMonitor: one StepInstruction and a register
// read, with the stop handled on the monitor.
func BenchmarkStepInstructionOnMonitor(b *testing.B) {
	p := launchStoppedInHot(b)
	tid := p.Pid()
	step := func(tp tracer.Process) (tracer.StopEvent, error) {
		ev, err := tp.StepInstruction(tid)
		if err == nil {
			_, err = tp.Regs(tid)
		}
		return ev, err
	}
	b.ResetTimer()
	runChain(b, p, step, func(ev tracer.StopEvent) bool { return ev.Reason == tracer.StopStep })
}

// runChain runs call b.N times on the monitor, each started by the
// handler of the one before, and waits for the last.
func runChain(b *testing.B, p *Process, call func(tracer.Process) (tracer.StopEvent, error), ok func(tracer.StopEvent) bool) {
	done := make(chan error, 1)
	n := 0
	var handle func(tracer.StopEvent, error) bool
	handle = func(ev tracer.StopEvent, err error) bool {
		n++
		switch {
		case err != nil:
			done <- err
		case !ok(ev):
			done <- &unexpectedStop{ev}
		case n == b.N:
			done <- nil
		default:
			if err := p.Go(call, handle, nil); err != nil {
				done <- err
			}
		}
		return true
	}
	if err := p.Go(call, handle, nil); err != nil {
		b.Fatal(err)
	}
	if err := <-done; err != nil {
		b.Fatalf("after %d cycles: %v", n, err)
	}
}

type unexpectedStop struct{ ev tracer.StopEvent }

func (u *unexpectedStop) Error() string {
	return "unexpected stop: reason " + u.ev.Reason.String()
}
