//go:build linux

package linux

import (
	"errors"
	"testing"
	"time"

	"github.com/dapproc/dapproc/tracer"
)

type goResult struct {
	ev  tracer.StopEvent
	err error
}

// TestGoHandlesOnMonitor: a resume started with Go runs without the caller
// waiting; handle sees the stop on the monitor, where Regs, ReadMemory and
// the next Go run in place; the chained resume reaches the breakpoint again
// and its result goes to post when handle declines it.
func TestGoHandlesOnMonitor(t *testing.T) {
	bin := buildC(t, "tracer_loop.c")
	p := launch(t, bin.path, "1000")
	addr := bin.symbol(t, p, "hot")
	if err := p.SetBreakpoint(addr); err != nil {
		t.Fatal(err)
	}
	cont := func(p tracer.Process) (tracer.StopEvent, error) { return p.Continue() }
	posted := make(chan goResult, 1)
	post := func(ev tracer.StopEvent, err error) { posted <- goResult{ev, err} }
	type seen struct {
		ev     tracer.StopEvent
		err    error
		pc     uint64
		code   byte
		regErr error
		goErr  error
	}
	handled := make(chan seen, 2)
	var handle func(tracer.StopEvent, error) bool
	hits := 0
	handle = func(ev tracer.StopEvent, err error) bool {
		hits++
		if hits == 2 {
			return false // declined: post gets it
		}
		s := seen{ev: ev, err: err}
		regs, rerr := p.Regs(ev.Tid)
		s.pc, s.regErr = regs.PC(), rerr
		buf := make([]byte, 1)
		if _, rerr := p.ReadMemory(addr, buf); rerr != nil && s.regErr == nil {
			s.regErr = rerr
		}
		s.code = buf[0]
		s.goErr = p.Go(cont, handle, post)
		handled <- s
		return true
	}
	if err := p.Go(cont, handle, post); err != nil {
		t.Fatal(err)
	}
	var first seen
	select {
	case first = <-handled:
	case <-time.After(20 * time.Second):
		t.Fatal("handle was not called within 20s")
	}
	if first.err != nil || first.ev.Reason != tracer.StopBreakpoint || first.ev.Addr != addr {
		t.Fatalf("first stop %+v, %v; want the breakpoint at %#x", first.ev, first.err, addr)
	}
	if first.regErr != nil || first.pc != addr {
		t.Errorf("Regs in handle: pc %#x, %v; want %#x", first.pc, first.regErr, addr)
	}
	if first.code == 0xcc {
		t.Errorf("ReadMemory in handle shows our int3 at %#x", addr)
	}
	if first.goErr != nil {
		t.Fatalf("Go from handle: %v", first.goErr)
	}
	var second goResult
	select {
	case second = <-posted:
	case <-time.After(20 * time.Second):
		t.Fatal("the declined result was not posted within 20s")
	}
	if second.err != nil || second.ev.Reason != tracer.StopBreakpoint || second.ev.Addr != addr {
		t.Fatalf("second stop %+v, %v; want the breakpoint at %#x", second.ev, second.err, addr)
	}
	// Posted means stopped and idle: the ordinary calls work again.
	regs, err := p.Regs(second.ev.Tid)
	if err != nil || regs.PC() != addr {
		t.Fatalf("Regs after post: pc %#x, %v", regs.PC(), err)
	}
	ev := mustStop(t, tracer.StopBreakpoint, p.Continue)
	if ev.Addr != addr {
		t.Fatalf("Continue after Go: %+v", ev)
	}
}

// TestGoWhileRunning: while a Go resume runs, other calls get ErrRunning,
// a second Go is refused, and Interrupt stops it.
func TestGoWhileRunning(t *testing.T) {
	bin := buildC(t, "tracer_loop.c")
	p := launch(t, bin.path, "4000000000")
	posted := make(chan goResult, 1)
	cont := func(p tracer.Process) (tracer.StopEvent, error) { return p.Continue() }
	decline := func(tracer.StopEvent, error) bool { return false }
	post := func(ev tracer.StopEvent, err error) { posted <- goResult{ev, err} }
	if err := p.Go(cont, decline, post); err != nil {
		t.Fatal(err)
	}
	if err := p.Go(cont, decline, post); !errors.Is(err, tracer.ErrRunning) {
		t.Errorf("second Go: %v, want ErrRunning", err)
	}
	if _, err := p.Regs(p.Pid()); !errors.Is(err, tracer.ErrRunning) {
		t.Errorf("Regs while running: %v, want ErrRunning", err)
	}
	if err := p.Interrupt(); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-posted:
		if r.err != nil || r.ev.Reason != tracer.StopInterrupt {
			t.Fatalf("got %+v, %v; want an interrupt stop", r.ev, r.err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no stop within 20s of Interrupt")
	}
}

// TestGoReportsExit: the end of the process reaches handle, and Go after
// it fails with ErrExited.
func TestGoReportsExit(t *testing.T) {
	bin := buildC(t, "tracer_loop.c")
	p := launch(t, bin.path, "10")
	got := make(chan goResult, 1)
	handle := func(ev tracer.StopEvent, err error) bool { got <- goResult{ev, err}; return true }
	cont := func(p tracer.Process) (tracer.StopEvent, error) { return p.Continue() }
	if err := p.Go(cont, handle, func(tracer.StopEvent, error) { t.Error("post called") }); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-got:
		if r.err != nil || r.ev.Reason != tracer.StopExited || !r.ev.Status.Exited || r.ev.Status.ExitCode != 0 {
			t.Fatalf("got %+v, %v; want exit 0", r.ev, r.err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no exit within 20s")
	}
	<-p.done
	var exited tracer.ErrExited
	if err := p.Go(cont, handle, nil); !errors.As(err, &exited) {
		t.Errorf("Go after exit: %v, want ErrExited", err)
	}
}
