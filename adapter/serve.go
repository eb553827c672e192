// Package adapter speaks the Debug Adapter Protocol over a byte stream and
// hands each request to a session.Session.
//
// Goroutines, for one call of Serve: a reader goroutine decodes messages with
// dap.ReadProtocolMessage and runs each request's handler on the session
// goroutine (session.Session.Do), one request at a time, in order; a writer
// goroutine owns the stream, numbers seq and writes every response and
// event; the session goroutine (session.Session.Run) owns the debugging
// state. Handlers live in a table, one file per request family; the
// `initialize` capabilities are computed from that table. A handler that
// panics answers with an error response and the connection keeps serving.
package adapter

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/dapproc/dapproc/session"
	"github.com/dapproc/dapproc/tracer"
)

// Options configure one DAP session.
type Options struct {
	Launcher tracer.Launcher // how to start/attach processes (cmd passes tracer/linux's)
	Log      *slog.Logger    // diagnostics; never written to the DAP stream
	LogDAP   bool            // log every message in and out at Debug level
}

// Serve runs one DAP session over conn until the client disconnects or the
// stream ends. It returns after the debuggee is killed or detached and every
// goroutine it started has ended. It never panics.
//
// To stop reading once the session is over (after `disconnect`, or when ctx
// is cancelled), Serve sets a past read deadline on conn if conn has
// SetReadDeadline (net.Conn, os.File pipes in non-blocking mode). A conn
// without it, such as a blocking stdin, keeps one reader goroutine blocked
// in Read until the stream ends; Serve does not wait for that one. Nor
// does it wait for a debuggee's output pipe that a process it started
// keeps open after the debuggee is gone (a daemonised child): that pump
// ends when the pipe does, and its output is dropped.
func Serve(ctx context.Context, conn io.ReadWriter, opts Options) (err error) {
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	defer func() {
		if p := recover(); p != nil {
			log.Error("adapter panic", "panic", p)
			err = errors.New("adapter: internal error (see log)")
		}
	}()
	w := newWriter(conn, log, opts.LogDAP)
	s := session.New(session.Config{Launcher: opts.Launcher, Out: w, Log: log})
	a := &adapter{sess: s, out: w, log: log, logDAP: opts.LogDAP, handlers: handlerTable()}

	w.start()
	sessionDone := make(chan struct{})
	go func() {
		defer close(sessionDone)
		s.Run(ctx)
	}()
	readerDone := make(chan error, 1)
	go func() { readerDone <- a.read(bufio.NewReader(conn)) }()

	var readErr error
	select {
	case readErr = <-readerDone:
		// The stream ended: the client went away. Close is a no-op if the
		// session already ended.
		_ = s.Do(s.Close)
		<-sessionDone
	case <-sessionDone:
		if unblockReader(conn) {
			readErr = <-readerDone
		}
	}
	w.stop()
	if readErr != nil && !isEndOfStream(readErr) {
		return readErr
	}
	return nil
}

// unblockReader makes a Read blocked on conn return, if conn allows it.
func unblockReader(conn io.ReadWriter) bool {
	d, ok := conn.(interface{ SetReadDeadline(time.Time) error })
	if !ok {
		return false
	}
	return d.SetReadDeadline(time.Unix(1, 0)) == nil
}

func isEndOfStream(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, errSessionEnded) || isTimeout(err)
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}
