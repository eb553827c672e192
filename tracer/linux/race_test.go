//go:build linux

package linux

import (
	"encoding/binary"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/dapproc/dapproc/tracer"
)

// TestThreadsBornAndDyingUnderBreakpoint: threads are created and exit in a
// tight loop while a breakpoint in their body is hit 10,000 times. Every hit
// is reported once, by a thread the events announced, and every thread's
// birth and death is announced exactly once.
func TestThreadsBornAndDyingUnderBreakpoint(t *testing.T) {
	const rounds, perRound = 2500, 4
	b := buildC(t, "tracer_threadloop.c", "-pthread")
	p := launch(t, b.path, "2500")
	out := readAll(t, p.Stdout())
	addr := b.addr(t, p, "work")
	if err := p.SetBreakpoint(addr); err != nil {
		t.Fatal(err)
	}
	born := map[int]int{}
	died := map[int]int{}
	hitBy := map[int]int{}
	hits := 0
	for {
		ev, err := p.Continue()
		if err != nil {
			t.Fatalf("after %d hits: %v", hits, err)
		}
		for _, tid := range ev.ThreadsCreated {
			born[tid]++
		}
		for _, tid := range ev.ThreadsExited {
			died[tid]++
		}
		if ev.Reason == tracer.StopExited {
			if !ev.Status.Exited || ev.Status.ExitCode != 0 {
				t.Fatalf("process ended with %v", ev.Status)
			}
			break
		}
		if ev.Reason != tracer.StopBreakpoint || ev.Addr != addr {
			t.Fatalf("after %d hits: unexpected stop %+v", hits, ev)
		}
		if born[ev.Tid] != 1 || died[ev.Tid] != 0 {
			t.Fatalf("hit by thread %d, announced born %d times and dead %d times", ev.Tid, born[ev.Tid], died[ev.Tid])
		}
		hits++
		hitBy[ev.Tid]++
	}
	if hits != rounds*perRound {
		t.Errorf("%d breakpoint hits, want %d", hits, rounds*perRound)
	}
	for tid, n := range hitBy {
		if n != 1 {
			t.Errorf("thread %d reported %d hits, want 1", tid, n)
		}
	}
	if len(born) != rounds*perRound {
		t.Errorf("%d threads announced, want %d", len(born), rounds*perRound)
	}
	for tid := range born {
		if died[tid] != 1 {
			t.Errorf("thread %d announced dead %d times, want 1", tid, died[tid])
		}
	}
	if died[p.Pid()] != 1 {
		t.Errorf("main thread announced dead %d times, want 1", died[p.Pid()])
	}
	if got := out(); got != "total 10000\n" {
		t.Errorf("stdout %q, want %q", got, "total 10000\n")
	}
}

// TestEightThreadsOnOneBreakpoint: 8 threads released at once by a barrier
// onto one breakpoint. Each round, each thread is reported exactly once,
// and no thread runs past the breakpoint before it is reported.
func TestEightThreadsOnOneBreakpoint(t *testing.T) {
	const rounds, threads = 20, 8
	for _, mode := range pieModes {
		t.Run(mode.name, func(t *testing.T) {
			b := buildC(t, "tracer_barrier.c", append([]string{"-pthread"}, mode.flags...)...)
			p := launch(t, b.path, "20")
			out := readAll(t, p.Stdout())
			addr := b.addr(t, p, "released")
			if err := p.SetBreakpoint(addr); err != nil {
				t.Fatal(err)
			}
			passed := b.symbol(t, p, "passed")
			reports, heldBack := 0, 0
			var workers []int
			for round := 0; round < rounds; round++ {
				var seen []int
				for len(seen) < threads {
					ev := mustStop(t, tracer.StopBreakpoint, p.Continue)
					if ev.Addr != addr {
						t.Fatalf("round %d: breakpoint at %#x, want %#x", round, ev.Addr, addr)
					}
					if slices.Contains(seen, ev.Tid) {
						t.Fatalf("round %d: thread %d reported twice (seen %v)", round, ev.Tid, seen)
					}
					seen = append(seen, ev.Tid)
					reports++
					if len(p.queue) > 0 { // read after the monitor's reply: ordered
						heldBack++
					}
					regs, err := p.Regs(ev.Tid)
					if err != nil {
						t.Fatal(err)
					}
					if regs.Rip != addr {
						t.Fatalf("round %d: thread %d reported at %#x, PC %#x", round, ev.Tid, addr, regs.Rip)
					}
					// A thread increments passed[] only after running
					// the breakpoint's instruction: one that ran past it
					// unreported would make the sum outrun the reports.
					if sum := sumLongs(t, p, passed, threads); sum > reports-1 {
						t.Fatalf("round %d: passed[] sums to %d after %d reports: a thread ran past the breakpoint", round, sum, reports)
					}
				}
				slices.Sort(seen)
				if workers == nil {
					workers = seen
				} else if !slices.Equal(seen, workers) {
					t.Fatalf("round %d: threads %v, want the same 8 as before %v", round, seen, workers)
				}
			}
			t.Logf("%d of %d stops had other hits held back", heldBack, reports)
			if heldBack == 0 {
				t.Error("no two threads ever hit the breakpoint at once: the pending path was not exercised")
			}
			if slices.Contains(workers, p.Pid()) {
				t.Errorf("main thread %d among the workers %v", p.Pid(), workers)
			}
			ev := mustStop(t, tracer.StopExited, p.Continue)
			if ev.Status.ExitCode != 0 {
				t.Errorf("exit %v", ev.Status)
			}
			if got := out(); got != "passed 160\n" {
				t.Errorf("stdout %q, want %q", got, "passed 160\n")
			}
		})
	}
}

// TestProgramStopsItself: raise(SIGSTOP) is reported as a signal from the
// program itself, and the program goes on when continued.
func TestProgramStopsItself(t *testing.T) {
	b := buildC(t, "tracer_selfstop.c")
	p := launch(t, b.path)
	out := readAll(t, p.Stdout())
	ev := mustStop(t, tracer.StopSignal, p.Continue)
	if ev.Signal.Signal != syscall.SIGSTOP || ev.Signal.SenderPid != p.Pid() || ev.Signal.Code != siTkill || ev.Tid != p.Pid() {
		t.Errorf("got %+v, want SIGSTOP sent by tgkill from %d", ev.Signal, p.Pid())
	}
	ev = mustStop(t, tracer.StopExited, p.Continue)
	if ev.Status.ExitCode != 0 {
		t.Errorf("exit %v, want 0", ev.Status)
	}
	if got := out(); got != "stopping\nresumed\n" {
		t.Errorf("stdout %q", got)
	}
}

// TestNullWrite: SIGSEGV with SEGV_MAPERR at address 0 on the faulting
// line; the held signal, delivered on the next Continue, kills the process.
func TestNullWrite(t *testing.T) {
	const segvMaperr = 1
	for _, mode := range pieModes {
		t.Run(mode.name, func(t *testing.T) {
			b := buildC(t, "tracer_segv.c", mode.flags...)
			p := launch(t, b.path)
			out := readAll(t, p.Stdout())
			ev := mustStop(t, tracer.StopSignal, p.Continue)
			if ev.Signal.Signal != syscall.SIGSEGV || ev.Signal.Code != segvMaperr || ev.Signal.Addr != 0 {
				t.Errorf("got %+v, want SIGSEGV SEGV_MAPERR at 0", ev.Signal)
			}
			if line, want := pcLine(t, p, b, ev.Tid), fixtureMarker(t, "tracer_segv.c", "crash"); line != want {
				t.Errorf("fault at line %d, want %d", line, want)
			}
			ev = mustStop(t, tracer.StopExited, p.Continue)
			if ev.Status.Exited || ev.Status.Signal != syscall.SIGSEGV {
				t.Errorf("process ended with %v, want killed by SIGSEGV", ev.Status)
			}
			if got := out(); strings.Contains(got, "not reached") || !strings.Contains(got, "about to crash") {
				t.Errorf("stdout %q", got)
			}
		})
	}
}

// sumLongs adds up n int64 values at addr in p.
func sumLongs(t *testing.T, p *Process, addr uint64, n int) int {
	t.Helper()
	buf := make([]byte, 8*n)
	if _, err := p.ReadMemory(addr, buf); err != nil {
		t.Fatal(err)
	}
	sum := 0
	for i := 0; i < n; i++ {
		sum += int(binary.LittleEndian.Uint64(buf[8*i:]))
	}
	return sum
}

// TestClearDropsHeldBackHits: hits held back from a stop are forgotten when
// their breakpoint is cleared; the threads go on from the original
// instruction and the program completes every round.
func TestClearDropsHeldBackHits(t *testing.T) {
	b := buildC(t, "tracer_barrier.c", "-pthread")
	p := launch(t, b.path, "20")
	out := readAll(t, p.Stdout())
	addr := b.addr(t, p, "released")
	if err := p.SetBreakpoint(addr); err != nil {
		t.Fatal(err)
	}
	held := false
	for i := 0; i < 160 && !held; i++ {
		mustStop(t, tracer.StopBreakpoint, p.Continue)
		held = len(p.queue) > 0 // read after the monitor's reply: ordered
	}
	if !held {
		t.Fatal("no stop ever held back another hit")
	}
	if err := p.ClearBreakpoint(addr); err != nil {
		t.Fatal(err)
	}
	ev := mustStop(t, tracer.StopExited, p.Continue)
	if ev.Status.ExitCode != 0 {
		t.Errorf("exit %v", ev.Status)
	}
	if got := out(); got != "passed 160\n" {
		t.Errorf("stdout %q, want %q", got, "passed 160\n")
	}
}
