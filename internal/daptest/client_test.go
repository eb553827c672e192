package daptest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-dap"
)

// peer is the adapter's end of a pipe, scripted by the test.
type peer struct {
	conn net.Conn
	r    *bufio.Reader
	seq  int
	out  chan dap.Message // written in order by one goroutine: net.Pipe is unbuffered
}

func newPair(t *testing.T) (*Client, *peer) {
	a, b := net.Pipe()
	p := &peer{conn: b, r: bufio.NewReader(b), out: make(chan dap.Message, 16)}
	go func() {
		for m := range p.out {
			dap.WriteProtocolMessage(b, m)
		}
		b.Close()
	}()
	t.Cleanup(func() { a.Close(); b.Close() })
	return New(t, a), p
}

// read returns the next request's envelope (any command).
func (p *peer) read(t *testing.T) *dap.Request {
	t.Helper()
	raw, err := dap.ReadBaseMessage(p.r)
	if err != nil {
		t.Fatal(err)
	}
	var req dap.Request
	if err := json.Unmarshal(raw, &req); err != nil {
		t.Fatal(err)
	}
	return &req
}

func (p *peer) write(t *testing.T, m dap.Message) {
	t.Helper()
	p.seq++
	switch m := m.(type) {
	case dap.ResponseMessage:
		m.GetResponse().Seq, m.GetResponse().Type = p.seq, "response"
	case dap.EventMessage:
		m.GetEvent().Seq, m.GetEvent().Type = p.seq, "event"
	}
	p.out <- m
}

// fatalRecorder stands in for the test in checks that must fail: it keeps
// the message and ends the goroutine, as t.Fatalf does.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Helper() {}
func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// failure runs check with c reporting to a recorder and returns what it
// failed with ("" if it passed).
func failure(c *Client, check func()) string {
	real := c.t
	rec := &fatalRecorder{TB: real}
	c.t = rec
	done := make(chan struct{})
	go func() { defer close(done); check() }()
	<-done
	c.t = real
	return rec.msg
}

func TestRequestsAreNumberedAndResponsesMatched(t *testing.T) {
	c, p := newPair(t)
	go func() { c.Initialize(); c.Threads() }()
	first, second := p.read(t), p.read(t)
	if first.Seq != 1 || first.Command != "initialize" || first.Type != "request" ||
		second.Seq != 2 || second.Command != "threads" {
		t.Fatalf("requests went out as %s then %s", Describe(first), Describe(second))
	}

	p.write(t, &dap.InitializeResponse{Response: dap.Response{RequestSeq: 1, Command: "initialize", Success: true}})
	c.ExpectInitializeResponse(1)

	// A response to another request fails, showing what arrived.
	p.write(t, &dap.ThreadsResponse{Response: dap.Response{RequestSeq: 2, Command: "threads", Success: true}})
	msg := failure(c, func() { c.ExpectThreadsResponse(7) })
	if !strings.Contains(msg, "request 7") || !strings.Contains(msg, `"request_seq":2`) {
		t.Errorf("wrong request_seq reported as %q", msg)
	}

	// So does a message of another type.
	p.write(t, &dap.InitializedEvent{Event: dap.Event{Event: "initialized"}})
	msg = failure(c, func() { c.ExpectStoppedEvent("breakpoint") })
	if !strings.Contains(msg, "*dap.StoppedEvent") || !strings.Contains(msg, `"event":"initialized"`) {
		t.Errorf("wrong message type reported as %q", msg)
	}

	// And silence, once the deadline passes.
	c.Timeout = 50 * time.Millisecond
	if msg := failure(c, func() { c.ReadMessage() }); !strings.Contains(msg, "deadline") {
		t.Errorf("a missing message reported as %q", msg)
	}
}

func TestCollectedOutputIsSetAside(t *testing.T) {
	c, p := newPair(t)
	c.CollectOutput("stdout")
	p.write(t, &dap.OutputEvent{Event: dap.Event{Event: "output"}, Body: dap.OutputEventBody{Category: "stdout", Output: "a\n"}})
	p.write(t, &dap.OutputEvent{Event: dap.Event{Event: "output"}, Body: dap.OutputEventBody{Category: "console", Output: "note\n"}})
	p.write(t, &dap.OutputEvent{Event: dap.Event{Event: "output"}, Body: dap.OutputEventBody{Category: "stdout", Output: "b\n"}})
	p.write(t, &dap.ExitedEvent{Event: dap.Event{Event: "exited"}, Body: dap.ExitedEventBody{ExitCode: 3}})
	if got := c.ExpectOutputEvent("console").Body.Output; got != "note\n" {
		t.Errorf("console output = %q", got)
	}
	c.ExpectExitedEvent(3)
	if got := c.Output("stdout"); got != "a\nb\n" {
		t.Errorf("collected stdout = %q, want both lines in order", got)
	}
	close(p.out)
	c.ExpectEOF()
}

func TestErrorResponses(t *testing.T) {
	c, p := newPair(t)
	go c.SendCommand("frobnicate", nil)
	req := p.read(t)
	p.write(t, &dap.ErrorResponse{
		Response: dap.Response{RequestSeq: req.GetSeq(), Command: "frobnicate", Message: "unsupported"},
		Body:     dap.ErrorResponseBody{Error: &dap.ErrorMessage{Id: 1, Format: "unknown command frobnicate"}},
	})
	if got := ErrorText(c.ExpectError(req.GetSeq(), "frobnicate")); got != "unknown command frobnicate" {
		t.Errorf("error text = %q", got)
	}
}
