package session

import (
	"context"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/internal/fixture"
	"github.com/dapproc/dapproc/tracer"
	linuxtracer "github.com/dapproc/dapproc/tracer/linux"
)

func TestParseHitCondition(t *testing.T) {
	for _, tc := range []struct {
		text  string
		stops []int // of hits 1..8
	}{
		{"", []int{1, 2, 3, 4, 5, 6, 7, 8}},
		{"3", []int{3, 4, 5, 6, 7, 8}},
		{" >= 7 ", []int{7, 8}},
		{">7", []int{8}},
		{"==2", []int{2}},
		{"= 2", []int{2}},
		{"<2", []int{1}},
		{"<= 2", []int{1, 2}},
		{"% 3", []int{3, 6}},
	} {
		h, err := parseHitCondition(tc.text)
		if err != nil {
			t.Errorf("parseHitCondition(%q): %v", tc.text, err)
			continue
		}
		var got []int
		for hit := 1; hit <= 8; hit++ {
			if h.passes(hit) {
				got = append(got, hit)
			}
		}
		if !equalInts(got, tc.stops) {
			t.Errorf("hitCondition %q stops at hits %v, want %v", tc.text, got, tc.stops)
		}
	}
	for _, bad := range []string{"x", "% 0", ">= -1", "3 times", "!= 2"} {
		if _, err := parseHitCondition(bad); err == nil {
			t.Errorf("parseHitCondition(%q) accepted it", bad)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestSignalPolicy: the defaults, filters with conditions, and the text of
// `info signals`.
func TestSignalPolicy(t *testing.T) {
	s := New(Config{})
	for sig, want := range map[syscall.Signal]bool{syscall.SIGSEGV: true, syscall.SIGABRT: true, syscall.SIGUSR1: false, syscall.SIGPIPE: false, syscall.SIGINT: false} {
		if s.signals.stops(sig) != want {
			t.Errorf("by default %v stops = %v, want %v", sig, !want, want)
		}
	}
	bps, err := s.SetExceptionFilters([]string{"fatal", "nope"}, []dap.ExceptionFilterOptions{
		{FilterId: "other", Condition: "SIGPIPE, 34"}, {FilterId: "interrupt", Condition: "!sigterm !HUP"}, {FilterId: "user", Condition: "SIGKILL"}})
	if err != nil {
		t.Fatal(err)
	}
	wantVerified := []bool{true, false, true, true, false}
	for i, bp := range bps {
		if bp.Verified != wantVerified[i] || (!bp.Verified && bp.Message == "") {
			t.Errorf("filter %d: %+v, want verified %v", i, bp, wantVerified[i])
		}
	}
	for sig, want := range map[syscall.Signal]bool{
		syscall.SIGSEGV: true, syscall.SIGPIPE: true, 34: true, syscall.SIGCHLD: false, 35: false,
		syscall.SIGINT: true, syscall.SIGQUIT: true, syscall.SIGTERM: false, syscall.SIGHUP: false,
		syscall.SIGUSR1: true, syscall.SIGUSR2: true, // a bad condition keeps the whole group
	} {
		if s.signals.stops(sig) != want {
			t.Errorf("%v stops = %v, want %v", sig, !want, want)
		}
	}
	text := s.signalPolicyText()
	for _, line := range []string{"SIGPIPE    Yes    Yes   other", "SIGTERM    No     Yes   interrupt", "SIG34      Yes    Yes   other", "SIGSTOP    Yes    No    (used by the debugger)"} {
		if !strings.Contains(text, line+"\n") {
			t.Errorf("info signals lacks %q:\n%s", line, text)
		}
	}
}

// signalSpy is a real traced process that records what the session asks
// of its signal filter and which signal stops reach the session.
type signalSpy struct {
	tracer.Process
	mu          sync.Mutex
	policy      map[syscall.Signal]bool // the last SetSignalStop per signal
	calls       int
	signalStops []syscall.Signal
}

func (p *signalSpy) SetSignalStop(sig syscall.Signal, stop bool) error {
	p.mu.Lock()
	p.policy[sig] = stop
	p.calls++
	p.mu.Unlock()
	return p.Process.(tracer.SignalFilter).SetSignalStop(sig, stop)
}

func (p *signalSpy) Continue() (tracer.StopEvent, error) {
	ev, err := p.Process.Continue()
	if ev.Reason == tracer.StopSignal {
		p.mu.Lock()
		p.signalStops = append(p.signalStops, ev.Signal.Signal)
		p.mu.Unlock()
	}
	return ev, err
}

type spyLauncher struct {
	linuxtracer.Launcher
	spy chan *signalSpy
}

func (l spyLauncher) Launch(cfg tracer.LaunchConfig) (tracer.Process, error) {
	p, err := l.Launcher.Launch(cfg)
	if err != nil {
		return nil, err
	}
	spy := &signalSpy{Process: p, policy: map[syscall.Signal]bool{}}
	l.spy <- spy
	return spy, nil
}

// TestSignalsPassedInTheTracer: the session hands its signal policy to
// the tracer when the program starts and sends only the changes after,
// so a signal that does not stop the program never reaches the session.
func TestSignalsPassedInTheTracer(t *testing.T) {
	prog := fixture.C(t, "brk_signals.c")
	for _, tc := range []struct {
		filters   []string
		calls     int // SetSignalStop calls made by SetExceptionFilters
		stops     []syscall.Signal
		usr1Stops bool
	}{
		{filters: nil, stops: nil},
		{filters: []string{"user"}, calls: 2 + 7, stops: []syscall.Signal{syscall.SIGUSR1, syscall.SIGUSR1}, usr1Stops: true},
	} {
		name := "default"
		if tc.filters != nil {
			name = strings.Join(tc.filters, ",")
		}
		t.Run(name, func(t *testing.T) {
			out := make(chanSender, 1024)
			l := spyLauncher{spy: make(chan *signalSpy, 1)}
			s := New(Config{Launcher: l, Out: out})
			ctx, cancel := context.WithCancel(context.Background())
			go s.Run(ctx)
			t.Cleanup(func() {
				cancel()
				<-s.Done()
			})
			do := func(f func() error) {
				t.Helper()
				var err error
				if derr := s.Do(func() { err = f() }); derr != nil || err != nil {
					t.Fatalf("%v %v", derr, err)
				}
			}
			do(func() error { return callWithZeroArgs(s.Initialize) })
			do(func() error { return s.Launch(LaunchArgs{Config: tracer.LaunchConfig{Program: prog}}) })
			spy := <-l.spy
			spy.mu.Lock()
			atStart := spy.calls
			if atStart != 62 || spy.policy[syscall.SIGSEGV] != true || spy.policy[syscall.SIGTRAP] != true ||
				spy.policy[syscall.SIGUSR1] != false || spy.policy[syscall.SIGCHLD] != false {
				t.Errorf("at start: %d calls, policy %v; want 62 (every signal but SIGKILL and SIGSTOP), the fatal ones stopping", atStart, spy.policy)
			}
			spy.mu.Unlock()
			if tc.filters != nil {
				do(func() error { _, err := s.SetExceptionFilters(tc.filters, nil); return err })
				spy.mu.Lock()
				if got := spy.calls - atStart; got != tc.calls || spy.policy[syscall.SIGUSR1] != tc.usr1Stops || spy.policy[syscall.SIGSEGV] {
					t.Errorf("setExceptionBreakpoints %v made %d calls (want %d), policy %v", tc.filters, got, tc.calls, spy.policy)
				}
				spy.mu.Unlock()
			}
			do(s.ConfigurationDone)
			deadline := time.After(30 * time.Second)
			for done := false; !done; {
				select {
				case m := <-out:
					switch m := m.(type) {
					case *dap.StoppedEvent:
						do(func() error { _, err := s.Continue(m.Body.ThreadId, false); return err })
					case *dap.ExitedEvent:
						if m.Body.ExitCode != 0 {
							t.Errorf("exit code %d", m.Body.ExitCode)
						}
						done = true
					}
				case <-deadline:
					t.Fatal("the program did not end within 30s")
				}
			}
			spy.mu.Lock()
			defer spy.mu.Unlock()
			if !slices.Equal(spy.signalStops, tc.stops) {
				t.Errorf("signal stops that reached the session: %v, want %v", spy.signalStops, tc.stops)
			}
		})
	}
}
