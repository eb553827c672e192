package adapter

import (
	"errors"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/session"
)

// executionHandlers: continue, next, stepIn, stepOut, pause,
// stepInTargets, gotoTargets, goto.
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
		"stepInTargets": {run: on(stepInTargets),
			advertise: func(c *dap.Capabilities) { c.SupportsStepInTargetsRequest = true }},
		"gotoTargets": {run: on(gotoTargets),
			advertise: func(c *dap.Capabilities) { c.SupportsGotoTargetsRequest = true }},
		"goto": {run: on(gotoRequest)},
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
	a := req.Arguments
	opts := session.StepOptions{Granularity: string(a.Granularity), SingleThread: a.SingleThread}
	if err := step(s, session.StepOver, a.ThreadId, opts); err != nil {
		return nil, err
	}
	return &dap.NextResponse{}, nil
}

func stepIn(s *session.Session, req *dap.StepInRequest) (dap.ResponseMessage, error) {
	a := req.Arguments
	opts := session.StepOptions{Granularity: string(a.Granularity), SingleThread: a.SingleThread, TargetID: a.TargetId}
	if err := step(s, session.StepIn, a.ThreadId, opts); err != nil {
		return nil, err
	}
	return &dap.StepInResponse{}, nil
}

func stepOut(s *session.Session, req *dap.StepOutRequest) (dap.ResponseMessage, error) {
	a := req.Arguments
	opts := session.StepOptions{Granularity: string(a.Granularity), SingleThread: a.SingleThread}
	if err := step(s, session.StepOut, a.ThreadId, opts); err != nil {
		return nil, err
	}
	return &dap.StepOutResponse{}, nil
}

func step(s *session.Session, kind session.StepKind, tid int, opts session.StepOptions) error {
	if tid == 0 {
		return errNeedThread
	}
	return s.Step(kind, tid, opts)
}

func pause(s *session.Session, req *dap.PauseRequest) (dap.ResponseMessage, error) {
	if err := s.Pause(); err != nil {
		return nil, err
	}
	return &dap.PauseResponse{}, nil
}

func stepInTargets(s *session.Session, req *dap.StepInTargetsRequest) (dap.ResponseMessage, error) {
	targets, err := s.StepInTargets(req.Arguments.FrameId)
	if err != nil {
		return nil, err
	}
	return &dap.StepInTargetsResponse{Body: dap.StepInTargetsResponseBody{Targets: targets}}, nil
}

func gotoTargets(s *session.Session, req *dap.GotoTargetsRequest) (dap.ResponseMessage, error) {
	a := req.Arguments
	if a.Source.Path == "" {
		return nil, errors.New(`gotoTargets needs "source.path": the file of the line to go to`)
	}
	targets, err := s.GotoTargets(a.Source.Path, a.Line)
	if err != nil {
		return nil, err
	}
	return &dap.GotoTargetsResponse{Body: dap.GotoTargetsResponseBody{Targets: targets}}, nil
}

func gotoRequest(s *session.Session, req *dap.GotoRequest) (dap.ResponseMessage, error) {
	a := req.Arguments
	if a.ThreadId == 0 {
		return nil, errNeedThread
	}
	if err := s.Goto(a.ThreadId, a.TargetId); err != nil {
		return nil, err
	}
	return &dap.GotoResponse{}, nil
}
