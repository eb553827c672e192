package adapter

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/tracer"
)

// These tests check the orderings of the protocol against a scripted
// process. That the features work on real programs is checked in
// session_test.go against tracer/linux.

func handshake(t testing.TB, c *client) {
	t.Helper()
	seq := c.send("initialize", &dap.InitializeRequest{Arguments: dap.InitializeRequestArguments{AdapterID: "test"}})
	resp := expectResponse[*dap.InitializeResponse](c, seq)
	caps := resp.Body
	if !caps.SupportsConfigurationDoneRequest || !caps.SupportsSteppingGranularity ||
		!caps.SupportTerminateDebuggee || !caps.SupportsTerminateRequest || !caps.SupportsEvaluateForHovers {
		t.Errorf("capabilities %+v lack ones the handlers serve", caps)
	}
	if caps.SupportsDataBreakpoints {
		t.Errorf("capabilities %+v advertise requests with no handler", caps)
	}
	expect[*dap.InitializedEvent](c)
}

func TestInitializedFollowsResponse(t *testing.T) {
	c := startServe(t, Options{Launcher: &scriptedLauncher{}})
	handshake(t, c)
	seq := c.send("initialize", &dap.InitializeRequest{})
	expectError(c, seq)
}

func TestUnknownCommandAndBadArgumentsKeepServing(t *testing.T) {
	c := startServe(t, Options{Launcher: &scriptedLauncher{}})
	c.sendRaw(`{"seq":7,"type":"request","command":"frobnicate","arguments":{}}`)
	if e := expectError(c, 7); !strings.Contains(e.Message, "frobnicate") {
		t.Errorf("error %q does not name the unknown command", e.Message)
	}
	c.sendRaw(`{"seq":8,"type":"request","command":"setBreakpoints","arguments":{"source":{"path":"a.c"},"breakpoints":"nope"}}`)
	expectError(c, 8)
	c.seq = 8
	seq := c.send("stackTrace", &dap.StackTraceRequest{})
	expectError(c, seq)
	seq = c.send("threads", &dap.ThreadsRequest{})
	if got := expectResponse[*dap.ThreadsResponse](c, seq); len(got.Body.Threads) != 0 {
		t.Errorf("threads before launch: %+v", got.Body.Threads)
	}
}

func launchScripted(t testing.TB, c *client, args string) {
	t.Helper()
	handshake(t, c)
	seq := c.send("launch", &dap.LaunchRequest{Arguments: []byte(args)})
	expectResponse[*dap.LaunchResponse](c, seq)
	pe := expect[*dap.ProcessEvent](c)
	if pe.Body.SystemProcessId != 100 || pe.Body.StartMethod != "launch" {
		t.Errorf("process event %+v", pe.Body)
	}
	if te := expect[*dap.ThreadEvent](c); te.Body.ThreadId != 100 || te.Body.Reason != "started" {
		t.Errorf("thread event %+v", te.Body)
	}
}

func TestLaunchErrorsSayWhy(t *testing.T) {
	c := startServe(t, Options{Launcher: &scriptedLauncher{proc: newScriptedProcess()}})
	handshake(t, c)
	seq := c.send("launch", &dap.LaunchRequest{Arguments: []byte(`{"program":"/does/not/exist"}`)})
	if e := expectError(c, seq); !strings.Contains(e.Body.Error.Format, "no such file") {
		t.Errorf("launch error %q does not give the cause", e.Body.Error.Format)
	}
	seq = c.send("launch", &dap.LaunchRequest{Arguments: []byte(`{"args":["x"]}`)})
	if e := expectError(c, seq); !strings.Contains(e.Body.Error.Format, `"program"`) {
		t.Errorf("launch error %q does not name the missing argument", e.Body.Error.Format)
	}
	seq = c.send("attach", &dap.AttachRequest{Arguments: []byte(`{"pid":1}`)})
	if e := expectError(c, seq); !strings.Contains(e.Body.Error.Format, "operation not permitted") {
		t.Errorf("attach error %q does not pass the tracer's cause through", e.Body.Error.Format)
	}
	seq = c.send("attach", &dap.AttachRequest{Arguments: []byte(`{}`)})
	if e := expectError(c, seq); !strings.Contains(e.Body.Error.Format, `"pid"`) {
		t.Errorf("attach error %q does not name the missing pid", e.Body.Error.Format)
	}
}

func TestContinueResponsePrecedesStopped(t *testing.T) {
	proc := newScriptedProcess(
		tracer.StopEvent{Reason: tracer.StopSignal, Tid: 100,
			Signal: tracer.SignalInfo{Signal: syscall.SIGSEGV, Code: 1, Addr: 0}},
		tracer.StopEvent{Reason: tracer.StopExited, Tid: 100, Status: tracer.WaitStatus{Signal: syscall.SIGSEGV}},
	)
	proc.stdout = strings.NewReader("hello\n")
	c := startServe(t, Options{Launcher: &scriptedLauncher{proc: proc}})
	launchScripted(t, c, `{"program":"/bin/scripted"}`)
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	var output strings.Builder
	var sawResponse, sawStopped bool
	for !sawStopped {
		switch m := c.next().(type) {
		case *dap.ConfigurationDoneResponse:
			sawResponse = m.RequestSeq == seq
		case *dap.OutputEvent:
			output.WriteString(m.Body.Output)
		case *dap.StoppedEvent:
			if !sawResponse {
				t.Fatalf("stopped event before the configurationDone response")
			}
			if m.Body.Reason != "exception" || m.Body.Description != "SIGSEGV at 0x0: address not mapped" ||
				!m.Body.AllThreadsStopped || m.Body.ThreadId != 100 {
				t.Errorf("stopped %+v", m.Body)
			}
			sawStopped = true
		default:
			t.Fatalf("unexpected %T %+v", m, m)
		}
	}
	seq = c.send("continue", &dap.ContinueRequest{Arguments: dap.ContinueArguments{ThreadId: 100}})
	for done := false; !done; {
		switch m := c.next().(type) {
		case *dap.ContinueResponse:
			if m.RequestSeq != seq || !m.Body.AllThreadsContinued {
				t.Errorf("continue response %+v", m)
			}
		case *dap.OutputEvent:
			output.WriteString(m.Body.Output)
		case *dap.ExitedEvent:
			if output.String() != "hello\nprocess 100 killed by SIGSEGV\n" {
				t.Errorf("output before exited: %q", output.String())
			}
			if m.Body.ExitCode != 128+11 {
				t.Errorf("exit code %d, want 139", m.Body.ExitCode)
			}
			expect[*dap.TerminatedEvent](c)
			done = true
		default:
			t.Fatalf("unexpected %T %+v", m, m)
		}
	}
	seq = c.send("disconnect", &dap.DisconnectRequest{})
	expectResponse[*dap.DisconnectResponse](c, seq)
	if err := c.closeAndWait(); err != nil {
		t.Fatal(err)
	}
}

func TestRequestsWhileRunning(t *testing.T) {
	proc := newScriptedProcess()
	c := startServe(t, Options{Launcher: &scriptedLauncher{proc: proc}})
	launchScripted(t, c, `{"program":"/bin/scripted"}`)
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	expectResponse[*dap.ConfigurationDoneResponse](c, seq)

	seq = c.send("stackTrace", &dap.StackTraceRequest{Arguments: dap.StackTraceArguments{ThreadId: 100}})
	if e := expectError(c, seq); e.Message != "notStopped" {
		t.Errorf("stackTrace while running: message %q, want notStopped", e.Message)
	}
	seq = c.send("threads", &dap.ThreadsRequest{})
	if th := expectResponse[*dap.ThreadsResponse](c, seq); len(th.Body.Threads) != 1 || th.Body.Threads[0].Id != 100 {
		t.Errorf("threads while running: %+v", th.Body.Threads)
	}
	seq = c.send("pause", &dap.PauseRequest{Arguments: dap.PauseArguments{ThreadId: 100}})
	expectResponse[*dap.PauseResponse](c, seq)
	if st := expect[*dap.StoppedEvent](c); st.Body.Reason != "pause" || st.Body.ThreadId != 100 {
		t.Errorf("stopped after pause: %+v", st.Body)
	}
	seq = c.send("stackTrace", &dap.StackTraceRequest{Arguments: dap.StackTraceArguments{ThreadId: 999}})
	expectError(c, seq)

	seq = c.send("disconnect", &dap.DisconnectRequest{})
	expect[*dap.OutputEvent](c)
	if ex := expect[*dap.ExitedEvent](c); ex.Body.ExitCode != 137 {
		t.Errorf("exit code after kill %d", ex.Body.ExitCode)
	}
	expect[*dap.TerminatedEvent](c)
	expectResponse[*dap.DisconnectResponse](c, seq)
	if !proc.killed {
		t.Errorf("disconnect after launch did not kill the process")
	}
	if err := c.closeAndWait(); err != nil {
		t.Fatal(err)
	}
}

func TestHandlerPanicAnswersAndKeepsServing(t *testing.T) {
	proc := newScriptedProcess()
	proc.panicking = true
	c := startServe(t, Options{Launcher: &scriptedLauncher{proc: proc}})
	launchScripted(t, c, `{"program":"/bin/scripted"}`)
	seq := c.send("threads", &dap.ThreadsRequest{})
	if e := expectError(c, seq); !strings.Contains(e.Body.Error.Format, "scripted bug") {
		t.Errorf("error response to a panicking handler: %q", e.Body.Error.Format)
	}
	seq = c.send("stackTrace", &dap.StackTraceRequest{Arguments: dap.StackTraceArguments{ThreadId: 100}})
	expectError(c, seq) // not started yet: an answer, not a hang
	seq = c.send("disconnect", &dap.DisconnectRequest{})
	expect[*dap.OutputEvent](c)
	expect[*dap.ExitedEvent](c)
	expect[*dap.TerminatedEvent](c)
	expectResponse[*dap.DisconnectResponse](c, seq)
}

func TestCancelledContextEndsSession(t *testing.T) {
	proc := newScriptedProcess()
	ours, theirs := net.Pipe()
	defer ours.Close()
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, theirs, Options{Launcher: &scriptedLauncher{proc: proc}}) }()
	c := &client{t: t, conn: ours, r: bufio.NewReader(ours), served: served}
	launchScripted(t, c, `{"program":"/bin/scripted"}`)
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	expectResponse[*dap.ConfigurationDoneResponse](c, seq)
	cancel()
	expect[*dap.OutputEvent](c)
	expect[*dap.ExitedEvent](c)
	expect[*dap.TerminatedEvent](c)
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(readTimeout):
		t.Fatal("Serve did not return after its context was cancelled")
	}
	if !proc.killed {
		t.Error("the launched process was not killed")
	}
}

func TestLogDAPWritesTheJSONToTheLog(t *testing.T) {
	var logged strings.Builder
	log := slog.New(slog.NewTextHandler(&lockedWriter{w: &logged}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := startServe(t, Options{Launcher: &scriptedLauncher{}, Log: log, LogDAP: true})
	handshake(t, c)
	if err := c.closeAndWait(); err != nil {
		t.Fatal(err)
	}
	text := logged.String()
	for _, want := range []string{`dap in`, `\"command\":\"initialize\"`, `dap out`, `\"event\":\"initialized\"`} {
		if !strings.Contains(text, want) {
			t.Errorf("log lacks %s:\n%s", want, text)
		}
	}
}

// lockedWriter serialises writes from the adapter's goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
