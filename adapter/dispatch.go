package adapter

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sort"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/session"
)

// handler serves one command. run is called on the session goroutine and
// returns the response (its Response header is filled in by the adapter)
// or an error that becomes an error response.
type handler struct {
	run func(s *session.Session, req dap.RequestMessage) (dap.ResponseMessage, error)
	// advertise sets the capabilities that this handler backs.
	advertise func(c *dap.Capabilities)
}

// on adapts a handler of one request type to the table's signature.
func on[R dap.RequestMessage](f func(s *session.Session, req R) (dap.ResponseMessage, error)) func(*session.Session, dap.RequestMessage) (dap.ResponseMessage, error) {
	return func(s *session.Session, req dap.RequestMessage) (dap.ResponseMessage, error) {
		r, ok := req.(R)
		if !ok {
			return nil, fmt.Errorf("request %q has unexpected type %T", req.GetRequest().Command, req)
		}
		return f(s, r)
	}
}

// handlerTable returns every command the adapter serves.
func handlerTable() map[string]handler {
	t := map[string]handler{}
	for _, family := range []map[string]handler{
		exceptionHandlers(),
		lifecycleHandlers(), breakpointHandlers(), threadHandlers(), executionHandlers(),
		evaluateHandlers(),
		moduleHandlers(),
		inspectHandlers(), memoryHandlers(),
	} {
		for cmd, h := range family {
			t[cmd] = h
		}
	}
	return t
}

// capabilities derives the `initialize` answer from the handler table, so
// nothing is advertised that is not served.
func capabilities(t map[string]handler) dap.Capabilities {
	var c dap.Capabilities
	cmds := make([]string, 0, len(t))
	for cmd := range t {
		cmds = append(cmds, cmd)
	}
	sort.Strings(cmds) // deterministic, for readers of --log-dap
	for _, cmd := range cmds {
		if adv := t[cmd].advertise; adv != nil {
			adv(&c)
		}
	}
	return c
}

// adapter is the state of one Serve call shared by its goroutines.
type adapter struct {
	sess     *session.Session
	out      *writer
	log      *slog.Logger
	logDAP   bool
	handlers map[string]handler
}

var errSessionEnded = errors.New("the session has ended")

// read is the reader goroutine: it decodes each message and has its
// request served, one at a time, until the stream ends or the session does.
// Its ReadProtocolMessage is split in two to keep the raw JSON for the
// fields that go-dap cannot tell absent from false.
func (a *adapter) read(r *bufio.Reader) error {
	for {
		content, err := dap.ReadBaseMessage(r)
		if err != nil {
			return err
		}
		msg, err := dap.DecodeProtocolMessage(content)
		if err != nil {
			if req, seq, ok := undecodable(msg, err); ok {
				a.log.Info("undecodable request", "seq", seq, "err", err)
				if err := a.sess.Do(func() { a.sendError(req, seq, err) }); err != nil {
					return errSessionEnded
				}
				continue
			}
			// A whole message was read, so the stream is still in step.
			a.log.Warn("ignoring a message that cannot be decoded", "err", err)
			continue
		}
		if a.logDAP {
			a.log.Debug("dap in", "json", string(content))
		}
		if resp, ok := msg.(dap.ResponseMessage); ok {
			if err := a.sess.Do(func() { a.reverseResponse(resp) }); err != nil {
				return errSessionEnded
			}
			continue
		}
		req, ok := msg.(dap.RequestMessage)
		if !ok {
			a.log.Warn("ignoring a message that is not a request", "type", fmt.Sprintf("%T", msg))
			continue
		}
		if d, ok := req.(*dap.DisconnectRequest); ok {
			req = newDisconnectRequest(d, content)
		}
		if err := a.sess.Do(func() { a.serve(req) }); err != nil {
			return errSessionEnded
		}
	}
}

// undecodable recognises a request that was read whole but could not be
// decoded (unknown command, arguments of the wrong type), so that it can be
// answered by seq.
func undecodable(msg dap.Message, err error) (req *dap.Request, seq int, ok bool) {
	var field *dap.DecodeProtocolMessageFieldError
	if errors.As(err, &field) {
		if field.SubType != "Request" {
			return nil, 0, false
		}
		var r dap.Request
		_ = json.Unmarshal(field.Message, &r)
		return &r, field.Seq, true
	}
	var typeErr *json.UnmarshalTypeError
	if rm, isReq := msg.(dap.RequestMessage); isReq && errors.As(err, &typeErr) {
		r := rm.GetRequest()
		return r, r.Seq, true
	}
	return nil, 0, false
}

// serve runs on the session goroutine: it finds the handler, runs it, and
// sends the response, then the events that must follow it.
func (a *adapter) serve(req dap.RequestMessage) {
	r := req.GetRequest()
	h, ok := a.handlers[r.Command]
	if !ok {
		a.sendError(r, r.Seq, fmt.Errorf("unknown command %q: dapproc does not support it", r.Command))
		return
	}
	resp, err := a.runHandler(h, req)
	switch {
	case err != nil:
		a.sendError(r, r.Seq, err)
	case resp == nil:
		// The session answers later (a launch in the client's terminal).
	default:
		h := resp.GetResponse()
		h.RequestSeq, h.Success, h.Command = r.Seq, true, r.Command
		a.out.Send(resp)
	}
	for _, ev := range a.sess.AfterResponse() {
		a.out.Send(ev)
	}
}

// runHandler runs h, turning a panic into an error.
func (a *adapter) runHandler(h handler, req dap.RequestMessage) (resp dap.ResponseMessage, err error) {
	defer func() {
		if p := recover(); p != nil {
			a.log.Error("handler panic", "command", req.GetRequest().Command, "panic", p, "stack", string(debug.Stack()))
			resp, err = nil, fmt.Errorf("internal error in dapproc while handling %q: %v", req.GetRequest().Command, p)
		}
	}()
	return h.run(a.sess, req)
}

// Error ids of error responses.
const (
	errIDNotStopped = 1000 + iota
	errIDFailed
)

// sendError answers request seq with an error response. The short message
// is "notStopped" for a running program (the spec's value), otherwise the
// cause; the body carries the full text to show the user.
func (a *adapter) sendError(r *dap.Request, seq int, err error) {
	short, id := err.Error(), errIDFailed
	if errors.Is(err, session.ErrNotStopped) {
		short, id = "notStopped", errIDNotStopped
	}
	cmd := ""
	if r != nil {
		cmd = r.Command
	}
	a.out.Send(&dap.ErrorResponse{
		Response: dap.Response{RequestSeq: seq, Success: false, Command: cmd, Message: short},
		Body:     dap.ErrorResponseBody{Error: &dap.ErrorMessage{Id: id, Format: err.Error(), ShowUser: true}},
	})
}
