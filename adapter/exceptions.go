package adapter

import (
	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/session"
)

// exceptionHandlers: setExceptionBreakpoints and exceptionInfo. The
// exceptions of a native program are signals; the filters are groups of
// signals (session/signals.go).
func exceptionHandlers() map[string]handler {
	return map[string]handler{
		"setExceptionBreakpoints": {run: on(setExceptionBreakpoints),
			advertise: func(c *dap.Capabilities) {
				c.ExceptionBreakpointFilters = session.SignalFilters()
				c.SupportsExceptionFilterOptions = true
			}},
		"exceptionInfo": {run: on(exceptionInfo),
			advertise: func(c *dap.Capabilities) { c.SupportsExceptionInfoRequest = true }},
	}
}

func setExceptionBreakpoints(s *session.Session, req *dap.SetExceptionBreakpointsRequest) (dap.ResponseMessage, error) {
	bps, err := s.SetExceptionFilters(req.Arguments.Filters, req.Arguments.FilterOptions)
	if err != nil {
		return nil, err
	}
	return &dap.SetExceptionBreakpointsResponse{Body: dap.SetExceptionBreakpointsResponseBody{Breakpoints: bps}}, nil
}

func exceptionInfo(s *session.Session, req *dap.ExceptionInfoRequest) (dap.ResponseMessage, error) {
	if req.Arguments.ThreadId == 0 {
		return nil, errNeedThread
	}
	body, err := s.ExceptionInfo(req.Arguments.ThreadId)
	if err != nil {
		return nil, err
	}
	return &dap.ExceptionInfoResponse{Body: body}, nil
}
