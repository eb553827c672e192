package adapter

import (
	"errors"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/session"
)

// breakpointHandlers: setBreakpoints, setFunctionBreakpoints,
// setInstructionBreakpoints. Conditions, hit conditions and log messages
// are decided in the session at the stop (session/breakpoints_cond.go).
func breakpointHandlers() map[string]handler {
	return map[string]handler{
		"setBreakpoints": {run: on(setBreakpoints),
			advertise: func(c *dap.Capabilities) {
				c.SupportsConditionalBreakpoints = true
				c.SupportsHitConditionalBreakpoints = true
				c.SupportsLogPoints = true
			}},
		"setFunctionBreakpoints": {run: on(setFunctionBreakpoints),
			advertise: func(c *dap.Capabilities) { c.SupportsFunctionBreakpoints = true }},
		"setInstructionBreakpoints": {run: on(setInstructionBreakpoints),
			advertise: func(c *dap.Capabilities) { c.SupportsInstructionBreakpoints = true }},
	}
}

func setBreakpoints(s *session.Session, req *dap.SetBreakpointsRequest) (dap.ResponseMessage, error) {
	args := req.Arguments
	if args.Source.Path == "" {
		return nil, errors.New(`setBreakpoints needs "source.path": the file the breakpoints are in`)
	}
	asked := args.Breakpoints
	if len(asked) == 0 && len(args.Lines) > 0 {
		for _, line := range args.Lines { // the deprecated form
			asked = append(asked, dap.SourceBreakpoint{Line: line})
		}
	}
	bps, err := s.SetBreakpoints(args.Source.Path, asked)
	if err != nil {
		return nil, err
	}
	return &dap.SetBreakpointsResponse{Body: dap.SetBreakpointsResponseBody{Breakpoints: bps}}, nil
}

func setFunctionBreakpoints(s *session.Session, req *dap.SetFunctionBreakpointsRequest) (dap.ResponseMessage, error) {
	bps, err := s.SetFunctionBreakpoints(req.Arguments.Breakpoints)
	if err != nil {
		return nil, err
	}
	return &dap.SetFunctionBreakpointsResponse{Body: dap.SetFunctionBreakpointsResponseBody{Breakpoints: bps}}, nil
}

func setInstructionBreakpoints(s *session.Session, req *dap.SetInstructionBreakpointsRequest) (dap.ResponseMessage, error) {
	bps, err := s.SetInstructionBreakpoints(req.Arguments.Breakpoints)
	if err != nil {
		return nil, err
	}
	return &dap.SetInstructionBreakpointsResponse{Body: dap.SetInstructionBreakpointsResponseBody{Breakpoints: bps}}, nil
}
