package adapter

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"syscall"

	"github.com/google/go-dap"
)

// writer owns the outgoing stream: it numbers each message's seq, strictly
// increasing, and writes the message whole (header and body) with one write
// call, so the client wakes once per message. Send is safe for any
// goroutine.
//
// On a stream with a kernel buffer (a pipe such as stdout, a socket: conn
// implements syscall.Conn), Send writes on the caller's goroutine under mu:
// a `stopped` event goes out from the goroutine that learned of the stop,
// without waking a writer goroutine first (a cross-CPU wake-up costs tens of
// µs on a small VM, see BenchmarkBreakpointRoundTrip in e2e). A write
// then blocks only while the kernel buffer is full, that is while the client
// does not read. On any other stream (net.Pipe, whose writes wait for the
// reader) a writer goroutine writes from a queue instead, so that the
// session never waits for a client that is itself busy writing a request.
type writer struct {
	conn   io.Writer
	log    *slog.Logger
	logDAP bool
	direct bool // write on the caller; no writer goroutine

	mu      sync.Mutex // direct mode: one write at a time, in seq order
	stopped bool       // direct mode: stop was called; Send drops messages

	queue chan dap.Message // queued mode
	quit  chan struct{}
	done  chan struct{}

	// Owned by whoever writes (under mu, or the writer goroutine).
	seq    int
	buf    []byte
	broken bool // a write failed: later messages are dropped
}

func newWriter(conn io.Writer, log *slog.Logger, logDAP bool) *writer {
	_, direct := conn.(syscall.Conn)
	return &writer{conn: conn, log: log, logDAP: logDAP, direct: direct,
		queue: make(chan dap.Message, 64), quit: make(chan struct{}), done: make(chan struct{})}
}

// start starts the writer goroutine, if the stream needs one.
func (w *writer) start() {
	if w.direct {
		close(w.done)
		return
	}
	go w.run()
}

// Send writes or queues m. After stop it drops m instead of blocking.
func (w *writer) Send(m dap.Message) {
	if w.direct {
		w.mu.Lock()
		if !w.stopped {
			w.write(m)
		}
		w.mu.Unlock()
		return
	}
	select {
	case w.queue <- m:
	case <-w.quit:
	}
}

// stop writes what is queued, then ends the writer goroutine and waits for
// it. Later messages are dropped.
func (w *writer) stop() {
	if w.direct {
		w.mu.Lock()
		w.stopped = true
		w.mu.Unlock()
		return
	}
	close(w.quit)
	<-w.done
}

func (w *writer) run() {
	defer close(w.done)
	for {
		select {
		case m := <-w.queue:
			w.write(m)
		case <-w.quit:
			for {
				select {
				case m := <-w.queue:
					w.write(m)
				default:
					return
				}
			}
		}
	}
}

func (w *writer) write(m dap.Message) {
	if w.broken {
		return
	}
	w.seq++
	switch m := m.(type) {
	case dap.ResponseMessage:
		r := m.GetResponse()
		r.Seq, r.Type = w.seq, "response"
	case dap.EventMessage:
		e := m.GetEvent()
		e.Seq, e.Type = w.seq, "event"
	case dap.RequestMessage:
		r := m.GetRequest()
		r.Seq, r.Type = w.seq, "request"
	}
	b, err := json.Marshal(m)
	if err != nil {
		w.log.Error("encoding a DAP message", "type", fmt.Sprintf("%T", m), "err", err)
		return
	}
	if w.logDAP {
		w.log.Debug("dap out", "json", string(b))
	}
	// The base protocol's framing (go-dap's WriteBaseMessage writes the
	// header and the body with two calls).
	w.buf = append(w.buf[:0], "Content-Length: "...)
	w.buf = strconv.AppendInt(w.buf, int64(len(b)), 10)
	w.buf = append(w.buf, "\r\n\r\n"...)
	w.buf = append(w.buf, b...)
	if _, err := w.conn.Write(w.buf); err != nil {
		w.broken = true
		w.log.Info("writing to the client failed; dropping further messages", "err", err)
	}
	if cap(w.buf) > 1<<20 {
		w.buf = nil // do not keep a huge response's buffer for the session's life
	}
}
