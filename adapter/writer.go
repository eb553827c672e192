package adapter

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"

	"github.com/google/go-dap"
)

// writer owns the outgoing stream: one goroutine numbers each message's seq,
// strictly increasing, and writes it. Send is safe for any goroutine.
type writer struct {
	conn   io.Writer
	log    *slog.Logger
	logDAP bool
	queue  chan dap.Message
	quit   chan struct{}
	done   chan struct{}
	seq    int
	broken bool // a write failed: later messages are dropped
}

func newWriter(conn io.Writer, log *slog.Logger, logDAP bool) *writer {
	return &writer{conn: conn, log: log, logDAP: logDAP,
		queue: make(chan dap.Message, 64), quit: make(chan struct{}), done: make(chan struct{})}
}

// Send queues m. After stop it drops m instead of blocking.
func (w *writer) Send(m dap.Message) {
	select {
	case w.queue <- m:
	case <-w.quit:
	}
}

// stop writes what is queued, then ends the writer goroutine and waits for it.
func (w *writer) stop() {
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
	if err := dap.WriteBaseMessage(w.conn, b); err != nil {
		w.broken = true
		w.log.Info("writing to the client failed; dropping further messages", "err", err)
	}
}
