package session

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/internal/fixture"
	"github.com/dapproc/dapproc/tracer"
	linuxtracer "github.com/dapproc/dapproc/tracer/linux"
)

// These tests drive a real fixture under the real tracer through the
// session's own API, to reach its unexported evaluation functions.

// chanSender collects the session's messages.
type chanSender chan dap.Message

func (c chanSender) Send(m dap.Message) {
	select {
	case c <- m:
	default: // the test reads only what it needs; never block the session
	}
}

// stopAt launches testdata/src, runs it to the line marked `// BP:marker`
// and returns the session (running on its goroutine) and the stopped
// thread. The process is killed when the test ends.
func stopAt(t testing.TB, src, marker string) (*Session, int) {
	t.Helper()
	prog := fixture.C(t, src)
	out := make(chanSender, 1024)
	s := New(Config{Launcher: linuxtracer.Launcher{}, Out: out})
	ctx, cancel := context.WithCancel(context.Background())
	go s.Run(ctx)
	t.Cleanup(func() {
		cancel()
		<-s.Done()
	})
	do := func(what string, f func() error) {
		t.Helper()
		var err error
		if derr := s.Do(func() { err = f() }); derr != nil {
			t.Fatalf("%s: %v", what, derr)
		}
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	do("initialize", s.Initialize)
	do("launch", func() error { return s.Launch(LaunchArgs{Config: tracer.LaunchConfig{Program: prog}}) })
	line := fixture.Line(t, src, marker)
	do("setBreakpoints", func() error {
		bps, err := setLineBreakpoint(s, fixture.Source(t, src), line)
		if err == nil && (len(bps) != 1 || !bps[0].Verified) {
			t.Fatalf("breakpoint at %s:%d not verified: %+v", src, line, bps)
		}
		return err
	})
	do("configurationDone", s.ConfigurationDone)
	deadline := time.After(30 * time.Second)
	for {
		select {
		case m := <-out:
			if st, ok := m.(*dap.StoppedEvent); ok {
				if st.Body.Reason != "breakpoint" {
					t.Fatalf("stopped for %q, want the breakpoint at %s", st.Body.Reason, marker)
				}
				return s, st.Body.ThreadId
			}
			if _, ok := m.(*dap.TerminatedEvent); ok {
				t.Fatalf("the program ended before reaching %s", marker)
			}
		case <-deadline:
			t.Fatalf("no stop at %s within 30s", marker)
		}
	}
}

// setLineBreakpoint sets one line breakpoint with SetBreakpoints, whose
// argument changed from lines to dap.SourceBreakpoint while conditions
// were added.
func setLineBreakpoint(s *Session, path string, line int) ([]dap.Breakpoint, error) {
	var set any = s.SetBreakpoints
	switch f := set.(type) {
	case func(string, []int) ([]dap.Breakpoint, error):
		return f(path, []int{line})
	case func(string, []dap.SourceBreakpoint) ([]dap.Breakpoint, error):
		return f(path, []dap.SourceBreakpoint{{Line: line}})
	}
	panic(fmt.Sprintf("unexpected SetBreakpoints signature %T", set))
}

// on runs f on the session goroutine.
func on(t testing.TB, s *Session, f func()) {
	t.Helper()
	if err := s.Do(f); err != nil {
		t.Fatal(err)
	}
}
