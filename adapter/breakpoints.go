package adapter

import (
	"errors"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/session"
)

// breakpointHandlers: setBreakpoints, setExceptionBreakpoints.
func breakpointHandlers() map[string]handler {
	return map[string]handler{
		"setBreakpoints": {run: on(setBreakpoints)},
		"setExceptionBreakpoints": {run: on(setExceptionBreakpoints),
			// The signal filters arrive with issue 5; an empty list
			// tells the client there is nothing to choose yet.
			advertise: func(c *dap.Capabilities) { c.ExceptionBreakpointFilters = []dap.ExceptionBreakpointsFilter{} }},
	}
}

func setBreakpoints(s *session.Session, req *dap.SetBreakpointsRequest) (dap.ResponseMessage, error) {
	args := req.Arguments
	if args.Source.Path == "" {
		return nil, errors.New(`setBreakpoints needs "source.path": the file the breakpoints are in`)
	}
	lines := make([]int, 0, len(args.Breakpoints))
	for _, bp := range args.Breakpoints {
		lines = append(lines, bp.Line)
	}
	if len(args.Breakpoints) == 0 && len(args.Lines) > 0 {
		lines = append(lines, args.Lines...) // the deprecated form
	}
	bps, err := s.SetBreakpoints(args.Source.Path, lines)
	if err != nil {
		return nil, err
	}
	return &dap.SetBreakpointsResponse{Body: dap.SetBreakpointsResponseBody{Breakpoints: bps}}, nil
}

func setExceptionBreakpoints(s *session.Session, req *dap.SetExceptionBreakpointsRequest) (dap.ResponseMessage, error) {
	return &dap.SetExceptionBreakpointsResponse{}, nil
}
