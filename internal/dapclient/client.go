// Package dapclient is the client side of a Debug Adapter Protocol stream:
// it numbers and writes requests, and reads the adapter's messages on its own
// goroutine so that a caller can wait for the next one with a deadline. The
// demo (cmd/dapproc) and the test client (internal/daptest) are built on it.
//
// Concurrency: one goroutine started by New reads the stream until it ends or
// Close is called. Send and Next may be called from any goroutine; Send calls
// are serialised so that seq numbers go out in increasing order.
package dapclient

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/google/go-dap"
)

// ErrTimeout is returned by Next when no message arrived in time.
var ErrTimeout = errors.New("no DAP message arrived before the deadline")

// Client speaks DAP to an adapter over one byte stream.
type Client struct {
	sendMu sync.Mutex
	w      io.Writer
	seq    int

	msgs   chan received
	ended  chan struct{} // closed when the stream has failed; endErr says how
	endErr error
	done   chan struct{} // closed by Close
	once   sync.Once
}

type received struct {
	msg dap.Message
	raw []byte
	err error
}

// New starts reading DAP messages from rw and returns a client that writes
// requests to it.
func New(rw io.ReadWriter) *Client {
	c := &Client{
		w:     rw,
		msgs:  make(chan received),
		ended: make(chan struct{}),
		done:  make(chan struct{}),
	}
	go c.readLoop(bufio.NewReader(rw))
	return c
}

// readLoop hands each message to Next until the stream fails or Close is
// called. It runs on its own goroutine.
func (c *Client) readLoop(r *bufio.Reader) {
	for {
		raw, err := dap.ReadBaseMessage(r)
		if err != nil {
			c.endErr = fmt.Errorf("reading DAP stream: %w", err)
			close(c.ended)
			return
		}
		msg, err := dap.DecodeProtocolMessage(raw)
		if err != nil {
			err = fmt.Errorf("decoding DAP message %s: %w", raw, err)
		}
		select {
		case c.msgs <- received{msg, raw, err}:
		case <-c.done:
			return
		}
	}
}

// Send fills in the request's type and the next sequence number, writes it,
// and returns the sequence number.
func (c *Client) Send(req dap.RequestMessage) (int, error) {
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
	c.seq++
	r := req.GetRequest()
	r.Seq = c.seq
	r.Type = "request"
	raw, err := json.Marshal(req)
	if err != nil {
		return 0, fmt.Errorf("encoding %s request: %w", r.Command, err)
	}
	if err := dap.WriteBaseMessage(c.w, raw); err != nil {
		return 0, fmt.Errorf("sending %s request: %w", r.Command, err)
	}
	return r.Seq, nil
}

// Request is a request with arguments of any JSON-encodable type; it lets a
// caller send commands and argument shapes that go-dap has no type for.
type Request struct {
	dap.Request
	Arguments any `json:"arguments,omitempty"`
}

// SendCommand sends command with args (nil for none) and returns its
// sequence number.
func (c *Client) SendCommand(command string, args any) (int, error) {
	return c.Send(&Request{Request: dap.Request{Command: command}, Arguments: args})
}

// Next returns the next message from the adapter, waiting at most timeout.
// It returns ErrTimeout (wrapped) if none came, the read error (wrapping
// io.EOF for a clean end) once the stream has ended, and a decoding error for a message go-dap cannot decode
// (the stream stays usable after that).
func (c *Client) Next(timeout time.Duration) (dap.Message, error) {
	msg, _, err := c.NextRaw(timeout)
	return msg, err
}

// NextRaw is Next that also returns the message's JSON as it was on the
// wire (also when it could not be decoded; nil when nothing was read).
func (c *Client) NextRaw(timeout time.Duration) (dap.Message, []byte, error) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r := <-c.msgs:
		return r.msg, r.raw, r.err
	case <-c.ended:
		return nil, nil, c.endErr
	case <-timer.C:
		return nil, nil, fmt.Errorf("after %v: %w", timeout, ErrTimeout)
	case <-c.done:
		return nil, nil, fmt.Errorf("client closed: %w", io.EOF)
	}
}

// Close stops the reading goroutine once its current read returns. It does
// not close the stream: the caller owns it, and closing it is what unblocks
// a read in progress.
func (c *Client) Close() {
	c.once.Do(func() { close(c.done) })
}
