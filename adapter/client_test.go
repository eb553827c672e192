package adapter

import (
	"bufio"
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-dap"
)

// client is the test's end of a DAP connection to Serve running over an
// in-memory pipe. Every read has a deadline, so a missing message fails the
// test instead of hanging it.
type client struct {
	t       testing.TB
	conn    net.Conn
	r       *bufio.Reader
	seq     int
	served  chan error
	lastSeq int
	out     output
}

const readTimeout = 20 * time.Second

func startServe(t testing.TB, opts Options) *client {
	t.Helper()
	ours, theirs := net.Pipe()
	c := &client{t: t, conn: ours, r: bufio.NewReader(ours), served: make(chan error, 1)}
	go func() { c.served <- Serve(context.Background(), theirs, opts) }()
	t.Cleanup(func() {
		ours.Close()
		select {
		case err := <-c.served:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(readTimeout):
			t.Errorf("Serve did not return after the client went away")
		}
	})
	return c
}

// send sends a request with the next seq and returns that seq.
func (c *client) send(command string, req dap.RequestMessage) int {
	c.t.Helper()
	c.seq++
	r := req.GetRequest()
	r.Seq, r.Type, r.Command = c.seq, "request", command
	c.conn.SetWriteDeadline(time.Now().Add(readTimeout))
	if err := dap.WriteProtocolMessage(c.conn, req); err != nil {
		c.t.Fatalf("send %s: %v", command, err)
	}
	return c.seq
}

// sendRaw sends bytes as one message, to test what go-dap cannot build.
func (c *client) sendRaw(json string) {
	c.t.Helper()
	c.conn.SetWriteDeadline(time.Now().Add(readTimeout))
	if err := dap.WriteBaseMessage(c.conn, []byte(json)); err != nil {
		c.t.Fatalf("send raw: %v", err)
	}
}

// next reads the next message, checking that seq grows by one.
func (c *client) next() dap.Message {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(readTimeout))
	m, err := dap.ReadProtocolMessage(c.r)
	if err != nil {
		c.t.Fatalf("reading the next message: %v", err)
	}
	seq := m.GetSeq()
	if want := c.lastSeq + 1; seq != want {
		c.t.Errorf("message %T has seq %d, want %d", m, seq, want)
	}
	c.lastSeq = seq
	return m
}

// expect reads the next message and fails unless it has type T.
func expect[T dap.Message](c *client) T {
	c.t.Helper()
	m := c.next()
	v, ok := m.(T)
	if !ok {
		var zero T
		c.t.Fatalf("got %T %+v, want %T", m, m, zero)
	}
	return v
}

// expectResponse reads a response of type T to request seq.
func expectResponse[T dap.ResponseMessage](c *client, seq int) T {
	c.t.Helper()
	m := c.next()
	if e, ok := m.(*dap.ErrorResponse); ok {
		c.t.Fatalf("request %d (%s) failed: %s: %s", seq, e.Command, e.Message, e.Body.Error.Format)
	}
	v, ok := m.(T)
	if !ok {
		var zero T
		c.t.Fatalf("got %T %+v, want %T", m, m, zero)
	}
	if r := v.GetResponse(); r.RequestSeq != seq || !r.Success {
		c.t.Fatalf("response %+v, want success for request %d", r, seq)
	}
	return v
}

// expectError reads an error response to request seq, skipping the
// program's output events.
func expectError(c *client, seq int) *dap.ErrorResponse {
	c.t.Helper()
	// The program's output can come at any moment, as in wantResponse.
	m := c.nextNonOutput()
	e, ok := m.(*dap.ErrorResponse)
	if !ok {
		c.t.Fatalf("got %T %+v, want an error response to request %d", m, m, seq)
	}
	if e.RequestSeq != seq || e.Success {
		c.t.Fatalf("error response %+v, want one for request %d", e.Response, seq)
	}
	if e.Body.Error == nil || e.Body.Error.Format == "" {
		c.t.Fatalf("error response to %d says nothing: %+v", seq, e)
	}
	return e
}

// closeAndWait ends the connection from the client's side and waits for Serve.
func (c *client) closeAndWait() error {
	c.conn.Close()
	select {
	case err := <-c.served:
		c.served <- err // for the cleanup
		return err
	case <-time.After(readTimeout):
		return errors.New("Serve did not return")
	}
}

// output collects the output events read so far, by category.
type output struct{ stdout, stderr, console strings.Builder }

// nextNonOutput reads the next message that is not an output event, adding
// output events to c.out on the way.
func (c *client) nextNonOutput() dap.Message {
	c.t.Helper()
	for {
		m := c.next()
		o, ok := m.(*dap.OutputEvent)
		if !ok {
			return m
		}
		switch o.Body.Category {
		case "stdout":
			c.out.stdout.WriteString(o.Body.Output)
		case "stderr":
			c.out.stderr.WriteString(o.Body.Output)
		default:
			c.out.console.WriteString(o.Body.Output)
		}
	}
}

// want reads the next message other than output and fails unless it has type T.
func want[T dap.Message](c *client) T {
	c.t.Helper()
	m := c.nextNonOutput()
	v, ok := m.(T)
	if !ok {
		var zero T
		c.t.Fatalf("got %T %+v, want %T", m, m, zero)
	}
	return v
}

// wantResponse is expectResponse that lets output events pass.
func wantResponse[T dap.ResponseMessage](c *client, seq int) T {
	c.t.Helper()
	m := c.nextNonOutput()
	if e, ok := m.(*dap.ErrorResponse); ok {
		c.t.Fatalf("request %d (%s) failed: %s: %s", seq, e.Command, e.Message, e.Body.Error.Format)
	}
	v, ok := m.(T)
	if !ok {
		var zero T
		c.t.Fatalf("got %T %+v, want %T", m, m, zero)
	}
	if r := v.GetResponse(); r.RequestSeq != seq || !r.Success {
		c.t.Fatalf("response %+v, want success for request %d", r, seq)
	}
	return v
}
