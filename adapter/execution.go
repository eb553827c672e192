package adapter

import (
	"errors"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/session"
)

// executionHandlers: continue, next, stepIn, stepOut, pause.
func executionHandlers() map[string]handler {
	return map[string]handler{
		"continue": {run: on(continueRequest),
			advertise: func(c *dap.Capabilities) { c.SupportsSingleThreadExecutionRequests = true }},
		// An instruction step is next or stepIn with granularity
		// "instruction": DAP has no request of its own for it.
		"next": {run: on(next),
			advertise: func(c *dap.Capabilities) { c.SupportsSteppingGranularity = true }},
		"stepIn":  {run: on(stepIn)},
		"stepOut": {run: on(stepOut)},
		"pause":   {run: on(pause)},
	}
}

var errNeedThread = errors.New(`the request needs "threadId"`)

func continueRequest(s *session.Session, req *dap.ContinueRequest) (dap.ResponseMessage, error) {
	args := req.Arguments
	if args.SingleThread && args.ThreadId == 0 {
		return nil, errNeedThread
	}
	all, err := s.Continue(args.ThreadId, args.SingleThread)
	if err != nil {
		return nil, err
	}
	return &dap.ContinueResponse{Body: dap.ContinueResponseBody{AllThreadsContinued: all}}, nil
}

func next(s *session.Session, req *dap.NextRequest) (dap.ResponseMessage, error) {
	if err := step(s, session.StepOver, req.Arguments.ThreadId, string(req.Arguments.Granularity)); err != nil {
		return nil, err
	}
	return &dap.NextResponse{}, nil
}

func stepIn(s *session.Session, req *dap.StepInRequest) (dap.ResponseMessage, error) {
	if err := step(s, session.StepIn, req.Arguments.ThreadId, string(req.Arguments.Granularity)); err != nil {
		return nil, err
	}
	return &dap.StepInResponse{}, nil
}

func stepOut(s *session.Session, req *dap.StepOutRequest) (dap.ResponseMessage, error) {
	if err := step(s, session.StepOut, req.Arguments.ThreadId, string(req.Arguments.Granularity)); err != nil {
		return nil, err
	}
	return &dap.StepOutResponse{}, nil
}

func step(s *session.Session, kind session.StepKind, tid int, granularity string) error {
	if tid == 0 {
		return errNeedThread
	}
	return s.Step(kind, tid, granularity)
}

func pause(s *session.Session, req *dap.PauseRequest) (dap.ResponseMessage, error) {
	if err := s.Pause(); err != nil {
		return nil, err
	}
	return &dap.PauseResponse{}, nil
}
