package adapter

import (
	"errors"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/session"
)

// inspectHandlers: scopes, variables, setVariable.
func inspectHandlers() map[string]handler {
	return map[string]handler{
		"scopes":    {run: on(scopes)},
		"variables": {run: on(variables)},
		"setVariable": {run: on(setVariable),
			advertise: func(c *dap.Capabilities) { c.SupportsSetVariable = true }},
	}
}

func scopes(s *session.Session, req *dap.ScopesRequest) (dap.ResponseMessage, error) {
	if req.Arguments.FrameId == 0 {
		return nil, errors.New(`scopes needs "frameId" from a stackTrace response`)
	}
	list, err := s.Scopes(req.Arguments.FrameId)
	if err != nil {
		return nil, err
	}
	return &dap.ScopesResponse{Body: dap.ScopesResponseBody{Scopes: list}}, nil
}

func variables(s *session.Session, req *dap.VariablesRequest) (dap.ResponseMessage, error) {
	args := req.Arguments
	if args.VariablesReference == 0 {
		return nil, errors.New(`variables needs "variablesReference" from a scopes, variables or evaluate response`)
	}
	if args.Start < 0 || args.Count < 0 {
		return nil, errors.New(`variables "start" and "count" must not be negative`)
	}
	switch args.Filter {
	case "", "indexed", "named":
	default:
		return nil, errors.New(`variables "filter" must be "indexed" or "named"`)
	}
	list, err := s.Variables(args.VariablesReference, args.Filter, args.Start, args.Count)
	if err != nil {
		return nil, err
	}
	if list == nil {
		list = []dap.Variable{}
	}
	return &dap.VariablesResponse{Body: dap.VariablesResponseBody{Variables: list}}, nil
}

func setVariable(s *session.Session, req *dap.SetVariableRequest) (dap.ResponseMessage, error) {
	args := req.Arguments
	if args.VariablesReference == 0 || args.Name == "" {
		return nil, errors.New(`setVariable needs "variablesReference" and "name"`)
	}
	v, err := s.SetVariable(args.VariablesReference, args.Name, args.Value)
	if err != nil {
		return nil, err
	}
	return &dap.SetVariableResponse{Body: dap.SetVariableResponseBody{
		Value: v.Value, Type: v.Type, VariablesReference: v.VariablesReference,
		NamedVariables: v.NamedVariables, IndexedVariables: v.IndexedVariables,
	}}, nil
}
