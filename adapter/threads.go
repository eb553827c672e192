package adapter

import (
	"errors"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/session"
)

// threadHandlers: threads, stackTrace.
func threadHandlers() map[string]handler {
	return map[string]handler{
		"threads": {run: on(threads)},
		"stackTrace": {run: on(stackTrace),
			advertise: func(c *dap.Capabilities) { c.SupportsDelayedStackTraceLoading = true }},
	}
}

func threads(s *session.Session, req *dap.ThreadsRequest) (dap.ResponseMessage, error) {
	list, err := s.Threads()
	if err != nil {
		return nil, err
	}
	return &dap.ThreadsResponse{Body: dap.ThreadsResponseBody{Threads: list}}, nil
}

func stackTrace(s *session.Session, req *dap.StackTraceRequest) (dap.ResponseMessage, error) {
	args := req.Arguments
	if args.ThreadId == 0 {
		return nil, errors.New(`stackTrace needs "threadId"`)
	}
	if args.StartFrame < 0 || args.Levels < 0 {
		return nil, errors.New(`stackTrace "startFrame" and "levels" must not be negative`)
	}
	frames, total, err := s.StackTrace(args.ThreadId, args.StartFrame, args.Levels)
	if err != nil {
		return nil, err
	}
	return &dap.StackTraceResponse{Body: dap.StackTraceResponseBody{StackFrames: frames, TotalFrames: total}}, nil
}
