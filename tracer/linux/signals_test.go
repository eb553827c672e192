//go:build linux

package linux

import (
	"os/exec"
	"syscall"
	"testing"

	"github.com/dapproc/dapproc/internal/fixture"
	"github.com/dapproc/dapproc/tracer"
)

// TestSignalsReachTheProgram: SIGUSR1 stops the process and, delivered on
// the next resume, runs the program's handler (a breakpoint in it is hit);
// SIGCHLD from a forked child passes without a stop and its handler runs.
func TestSignalsReachTheProgram(t *testing.T) {
	b := buildC(t, "tracer_signals.c")
	p := launch(t, b.path)
	out := readAll(t, p.Stdout())
	if err := p.SetBreakpoint(b.addr(t, p, "on_usr1")); err != nil {
		t.Fatal(err)
	}
	ev := mustStop(t, tracer.StopSignal, p.Continue)
	if ev.Signal.Signal != syscall.SIGUSR1 || ev.Signal.SenderPid != p.Pid() || ev.Tid != p.Pid() {
		t.Fatalf("got %+v, want SIGUSR1 from the process itself", ev.Signal)
	}
	ev = mustStop(t, tracer.StopBreakpoint, p.Continue)
	if line, want := pcLine(t, p, b, ev.Tid), fixtureMarker(t, "tracer_signals.c", "on_usr1"); line != want {
		t.Errorf("breakpoint at line %d, want %d (in the handler)", line, want)
	}
	ev = mustStop(t, tracer.StopExited, p.Continue)
	if ev.Status.ExitCode != 0 {
		t.Errorf("exit %v", ev.Status)
	}
	if got, want := out(), "usr1 1 chld 1 child status 5\n"; got != want {
		t.Errorf("stdout %q, want %q", got, want)
	}
	if p.passed[syscall.SIGCHLD] != 1 {
		t.Errorf("%d SIGCHLD passed without a stop, want 1", p.passed[syscall.SIGCHLD])
	}
}

// TestDiscardSignal: a discarded SIGUSR1 never reaches the handler.
func TestDiscardSignal(t *testing.T) {
	b := buildC(t, "tracer_signals.c")
	p := launch(t, b.path)
	out := readAll(t, p.Stdout())
	ev := mustStop(t, tracer.StopSignal, p.Continue)
	if err := p.DiscardSignal(ev.Tid); err != nil {
		t.Fatal(err)
	}
	mustStop(t, tracer.StopExited, p.Continue)
	if got, want := out(), "usr1 0 chld 1 child status 5\n"; got != want {
		t.Errorf("stdout %q, want %q", got, want)
	}
}

// TestSignalPassedWithoutStop: with SetSignalStop(SIGUSR1, false) the
// handler runs and the process never stops for the signal.
func TestSignalPassedWithoutStop(t *testing.T) {
	b := buildC(t, "tracer_signals.c")
	p := launch(t, b.path)
	out := readAll(t, p.Stdout())
	if err := p.SetSignalStop(syscall.SIGUSR1, false); err != nil {
		t.Fatal(err)
	}
	mustStop(t, tracer.StopExited, p.Continue)
	if got, want := out(), "usr1 1 chld 1 child status 5\n"; got != want {
		t.Errorf("stdout %q, want %q", got, want)
	}
}

// TestGoProgramUnchangedUnderTracer: many goroutines, preempted with SIGURG
// on threads the runtime creates, print the same under the tracer as
// without it.
func TestGoProgramUnchangedUnderTracer(t *testing.T) {
	bin := fixture.Go(t, "tracer_goroutines")
	want, err := exec.Command(bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	p := launch(t, bin)
	out := readAll(t, p.Stdout())
	created := 0
	ev, err := p.Continue()
	for err == nil && ev.Reason != tracer.StopExited {
		created += len(ev.ThreadsCreated)
		t.Logf("stop %+v", ev)
		ev, err = p.Continue()
	}
	if err != nil {
		t.Fatal(err)
	}
	created += len(ev.ThreadsCreated)
	if ev.Status.ExitCode != 0 {
		t.Errorf("exit %v", ev.Status)
	}
	if created < 2 {
		t.Errorf("%d threads created, want the runtime's several", created)
	}
	// Read after the monitor's last reply: ordered.
	if p.passed[syscall.SIGURG] == 0 {
		t.Error("no SIGURG passed through: the runtime's preemption was not exercised")
	}
	t.Logf("signals passed without a stop: SIGURG %d, SIGCHLD %d", p.passed[syscall.SIGURG], p.passed[syscall.SIGCHLD])
	if got := out(); got != string(want) {
		t.Errorf("output under the tracer differs:\n%s\nwant:\n%s", got, want)
	}
}
