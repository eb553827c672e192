// Package daptest is a DAP client for tests: it sends requests with
// increasing sequence numbers and checks the adapter's replies one message at
// a time, in order, each with a read deadline instead of a sleep. A test that
// receives something other than what it expects fails with the message it
// actually got.
//
// Concurrency: a Client belongs to the test goroutine that created it (its
// failures call t.Fatalf); the message reader runs on a goroutine of its own.
package daptest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/internal/dapclient"
)

// DefaultTimeout is how long Expect waits for a message before failing. It is
// generous because the machine running the tests may be loaded; a working
// adapter answers in milliseconds.
const DefaultTimeout = 20 * time.Second

// Client is a DAP client driven by one test.
type Client struct {
	t  testing.TB
	dc *dapclient.Client
	// Timeout bounds each wait for a message; DefaultTimeout unless changed.
	Timeout time.Duration

	collect map[string]*strings.Builder
}

// New returns a client speaking DAP over rw, closed when the test ends. The
// caller still owns rw (and closes it).
func New(t testing.TB, rw io.ReadWriter) *Client {
	t.Helper()
	c := &Client{t: t, dc: dapclient.New(rw), Timeout: DefaultTimeout}
	t.Cleanup(c.dc.Close)
	return c
}

// CollectOutput makes the client set aside output events of the given
// categories (such as "stdout" and "stderr") instead of returning them from
// ReadMessage. The program's output reaches the adapter on pipes that are read
// independently of its stops, so where it falls among the other messages is
// not defined; Output returns the text collected so far, in order.
func (c *Client) CollectOutput(categories ...string) {
	if c.collect == nil {
		c.collect = map[string]*strings.Builder{}
	}
	for _, cat := range categories {
		c.collect[cat] = &strings.Builder{}
	}
}

// Output returns the text of the collected output events of category.
func (c *Client) Output(category string) string {
	if b := c.collect[category]; b != nil {
		return b.String()
	}
	c.t.Fatalf("output category %q is not collected (call CollectOutput first)", category)
	return ""
}

// Send sends req with the next sequence number and returns that number.
func (c *Client) Send(req dap.RequestMessage) int {
	c.t.Helper()
	seq, err := c.dc.Send(req)
	if err != nil {
		c.t.Fatal(err)
	}
	return seq
}

// SendCommand sends command with arguments args (any JSON-encodable value,
// nil for none) and returns its sequence number.
func (c *Client) SendCommand(command string, args any) int {
	c.t.Helper()
	seq, err := c.dc.SendCommand(command, args)
	if err != nil {
		c.t.Fatal(err)
	}
	return seq
}

// ReadMessage returns the next message that is not collected output,
// failing the test if none arrives within the timeout or the stream ends.
func (c *Client) ReadMessage() dap.Message {
	c.t.Helper()
	for {
		msg, err := c.dc.Next(c.Timeout)
		if err != nil {
			c.t.Fatalf("waiting for a DAP message: %v", err)
		}
		if o, ok := msg.(*dap.OutputEvent); ok {
			if b := c.collect[o.Body.Category]; b != nil {
				b.WriteString(o.Body.Output)
				continue
			}
		}
		return msg
	}
}

// ExpectEOF fails the test unless the adapter ends the stream (after any
// collected output) within the timeout without sending anything else.
func (c *Client) ExpectEOF() {
	c.t.Helper()
	for {
		msg, err := c.dc.Next(c.Timeout)
		if err == nil {
			if o, ok := msg.(*dap.OutputEvent); ok && c.collect[o.Body.Category] != nil {
				c.collect[o.Body.Category].WriteString(o.Body.Output)
				continue
			}
			c.t.Fatalf("expected the end of the DAP stream, got %s", Describe(msg))
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
			errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNRESET) {
			return
		}
		c.t.Fatalf("expected the end of the DAP stream: %v", err)
	}
}

// Describe renders a message as its type and JSON, for failure messages.
func Describe(msg dap.Message) string {
	raw, err := json.Marshal(msg)
	if err != nil {
		return fmt.Sprintf("%T (unencodable: %v)", msg, err)
	}
	return fmt.Sprintf("%T %s", msg, raw)
}

// Expect reads the next message and fails the test, showing the message,
// unless it is a T (a pointer type such as *dap.StoppedEvent).
func Expect[T dap.Message](c *Client) T {
	c.t.Helper()
	msg := c.ReadMessage()
	m, ok := msg.(T)
	if !ok {
		var want T
		c.t.Fatalf("expected %T, got %s", want, Describe(msg))
	}
	return m
}

// ExpectResponse reads the next message and fails the test unless it is a
// successful T answering the request with sequence number seq.
func ExpectResponse[T dap.ResponseMessage](c *Client, seq int) T {
	c.t.Helper()
	m := Expect[T](c)
	r := m.GetResponse()
	if r.RequestSeq != seq || !r.Success {
		c.t.Fatalf("expected a successful response to request %d, got %s", seq, Describe(m))
	}
	return m
}

// ExpectError reads the next message and fails the test unless it is an
// error response to request seq for command. It returns the response so
// the test can check the message.
func (c *Client) ExpectError(seq int, command string) *dap.ErrorResponse {
	c.t.Helper()
	m := Expect[*dap.ErrorResponse](c)
	if m.RequestSeq != seq || m.Command != command || m.Success {
		c.t.Fatalf("expected an error response to %s request %d, got %s", command, seq, Describe(m))
	}
	return m
}

// ErrorText returns the text an error response shows the user: its
// formatted error if present, else its message.
func ErrorText(r *dap.ErrorResponse) string {
	if r.Body.Error != nil && r.Body.Error.Format != "" {
		return r.Body.Error.Format
	}
	return r.Message
}
