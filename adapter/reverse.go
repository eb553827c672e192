package adapter

import (
	"github.com/google/go-dap"
)

// Reverse requests: dapproc sends runInTerminal to the client (the session
// queues it like any message, and the writer numbers it). The client's
// response comes back through the reader, which hands it here on the
// session goroutine.

// reverseResponse handles the client's response to a reverse request.
func (a *adapter) reverseResponse(resp dap.ResponseMessage) {
	r := resp.GetResponse()
	switch r.Command {
	case "runInTerminal":
		a.sess.TerminalResponse(r)
	default:
		a.log.Warn("ignoring a response to a request dapproc did not send", "command", r.Command, "request_seq", r.RequestSeq)
	}
}
