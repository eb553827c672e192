//go:build linux

package linux

import (
	"bufio"
	"io"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/dapproc/dapproc/internal/fixture"
	"github.com/dapproc/dapproc/tracer"
)

type result struct {
	ev  tracer.StopEvent
	err error
}

// resumeAsync runs a resume on another goroutine.
func resumeAsync(f func() (tracer.StopEvent, error)) <-chan result {
	ch := make(chan result, 1)
	go func() {
		ev, err := f()
		ch <- result{ev, err}
	}()
	return ch
}

// awaitStop waits for a resume's result, failing the test after a
// generous deadline instead of hanging.
func awaitStop(t *testing.T, ch <-chan result) tracer.StopEvent {
	t.Helper()
	select {
	case r := <-ch:
		if r.err != nil {
			t.Fatal(r.err)
		}
		return r.ev
	case <-time.After(30 * time.Second):
		t.Fatal("no stop within 30s")
		return tracer.StopEvent{}
	}
}

// busy is tracer_busy.c under the tracer, with its stdin and stdout.
type busy struct {
	*Process
	bin   *fixtureBin
	in    *os.File
	lines <-chan string
}

// lineReader delivers r's lines on a channel, closed at EOF.
func lineReader(r io.Reader) <-chan string {
	ch := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			ch <- sc.Text()
		}
		close(ch)
	}()
	return ch
}

func launchBusy(t *testing.T, threads int) *busy {
	t.Helper()
	b := buildC(t, "tracer_busy.c", "-pthread")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	p, err := Launch(tracer.LaunchConfig{Program: b.path, Args: []string{strconv.Itoa(threads)}, Stdin: r})
	r.Close()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Kill(); w.Close() })
	return &busy{Process: p, bin: b, in: w, lines: lineReader(p.Stdout())}
}

// expectLine reads the program's next output line; it proves the program
// is running.
func (b *busy) expectLine(t *testing.T, want string) {
	t.Helper()
	expectLine(t, b.lines, want)
}

// expectLine reads the next line from lines, with a deadline.
func expectLine(t *testing.T, lines <-chan string, want string) {
	t.Helper()
	select {
	case got, ok := <-lines:
		if !ok {
			t.Fatalf("program output ended, want %q", want)
		}
		if got != want {
			t.Fatalf("program printed %q, want %q", got, want)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("program printed nothing within 30s, want %q", want)
	}
}

func TestInterruptWhileContinueBlocks(t *testing.T) {
	for _, threads := range []int{0, 3} {
		t.Run("threads="+strconv.Itoa(threads+1), func(t *testing.T) {
			p := launchBusy(t, threads)
			spinLine := fixture.Line(t, "tracer_busy.c", "spin")
			for round := 0; round < 4; round++ {
				ch := resumeAsync(p.Continue)
				if round == 0 {
					p.expectLine(t, "ready")
				} else {
					p.in.Write([]byte("k"))
					p.expectLine(t, "tick")
				}
				if _, err := p.Regs(p.Pid()); err != tracer.ErrRunning {
					t.Errorf("Regs while running: %v, want ErrRunning", err)
				}
				// Repeated interrupts are harmless: one stop comes back.
				for i := 0; i < 3; i++ {
					if err := p.Interrupt(); err != nil {
						t.Fatal(err)
					}
				}
				ev := awaitStop(t, ch)
				if ev.Reason != tracer.StopInterrupt {
					t.Fatalf("round %d: got %+v, want an interrupt stop", round, ev)
				}
				tids := p.Threads()
				if len(tids) != threads+1 {
					t.Fatalf("round %d: threads %v, want %d", round, tids, threads+1)
				}
				for _, tid := range tids {
					if tid == p.Pid() {
						continue // main polls stdin, possibly inside libc
					}
					if line := pcLine(t, p.Process, p.bin, tid); line != spinLine {
						t.Errorf("round %d: thread %d stopped at line %d, want the spin loop (line %d)", round, tid, line, spinLine)
					}
				}
			}
			// The extra SIGSTOPs were absorbed: the next Continue runs on
			// until the program is told to exit.
			ch := resumeAsync(p.Continue)
			p.in.Write([]byte("k"))
			p.expectLine(t, "tick")
			p.in.Write([]byte("q"))
			ev := awaitStop(t, ch)
			if ev.Reason != tracer.StopExited || ev.Status.ExitCode != 7 {
				t.Fatalf("got %+v, want exit with code 7", ev)
			}
			if !procGone(p.Pid()) {
				t.Errorf("process %d left in /proc after exit", p.Pid())
			}
		})
	}
}

func TestKillLeavesNoZombie(t *testing.T) {
	p := launchBusy(t, 3)
	ch := resumeAsync(p.Continue)
	p.expectLine(t, "ready")
	p.Interrupt()
	awaitStop(t, ch)
	tids := p.Threads()
	if len(tids) != 4 {
		t.Fatalf("threads %v, want 4", tids)
	}
	if err := p.Kill(); err != nil {
		t.Fatal(err)
	}
	for _, tid := range tids {
		if !procGone(tid) {
			t.Errorf("thread %d still in /proc after Kill", tid)
		}
	}
	if _, err := p.Continue(); err == nil {
		t.Error("Continue after Kill succeeded")
	} else if e, ok := err.(tracer.ErrExited); !ok || e.Status.Signal != 9 {
		t.Errorf("Continue after Kill: %v, want ErrExited killed by SIGKILL", err)
	}
}

// TestOneThreadRunsOthersStay: StepInstruction and ContinueThread move one
// thread of four spinning ones; the registers of the others do not change.
func TestOneThreadRunsOthersStay(t *testing.T) {
	p := launchBusy(t, 3)
	ch := resumeAsync(p.Continue)
	p.expectLine(t, "ready")
	p.Interrupt()
	awaitStop(t, ch)
	tids := p.Threads()
	var mover int
	before := map[int]tracer.Regs{}
	for _, tid := range tids {
		if tid != p.Pid() && mover == 0 {
			mover = tid
			continue
		}
		r, err := p.Regs(tid)
		if err != nil {
			t.Fatal(err)
		}
		before[tid] = r
	}
	start, err := p.Regs(mover)
	if err != nil {
		t.Fatal(err)
	}
	pcs := map[uint64]bool{start.Rip: true}
	for i := 0; i < 20; i++ {
		ev := mustStop(t, tracer.StopStep, func() (tracer.StopEvent, error) { return p.StepInstruction(mover) })
		r, _ := p.Regs(mover)
		if ev.Tid != mover || ev.Addr != r.Rip {
			t.Fatalf("step %d: %+v, want thread %d at its PC %#x", i, ev, mover, r.Rip)
		}
		pcs[r.Rip] = true
	}
	if len(pcs) < 3 {
		t.Errorf("20 steps visited %d PCs, want the loop's several", len(pcs))
	}
	spinAddr := p.bin.addr(t, p.Process, "spin")
	if err := p.SetBreakpoint(spinAddr); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		ev := mustStop(t, tracer.StopBreakpoint, func() (tracer.StopEvent, error) { return p.ContinueThread(mover) })
		if ev.Tid != mover || ev.Addr != spinAddr {
			t.Fatalf("ContinueThread: %+v, want thread %d at %#x", ev, mover, spinAddr)
		}
	}
	for tid, r := range before {
		now, err := p.Regs(tid)
		if err != nil {
			t.Fatal(err)
		}
		if now != r {
			t.Errorf("thread %d moved while thread %d ran alone: PC %#x -> %#x", tid, mover, r.Rip, now.Rip)
		}
	}
}

// TestKilledFromOutsideWhileStopped: SIGKILL sent by someone else while
// every thread is stopped ends the next Continue with the signal.
func TestKilledFromOutsideWhileStopped(t *testing.T) {
	p := launchBusy(t, 3)
	ch := resumeAsync(p.Continue)
	p.expectLine(t, "ready")
	p.Interrupt()
	awaitStop(t, ch)
	if err := syscall.Kill(p.Pid(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	ev := awaitStop(t, resumeAsync(p.Continue))
	if ev.Reason != tracer.StopExited || ev.Status.Exited || ev.Status.Signal != syscall.SIGKILL {
		t.Fatalf("got %+v, want the process killed by SIGKILL", ev)
	}
	if !procGone(p.Pid()) {
		t.Errorf("process %d left in /proc", p.Pid())
	}
}
