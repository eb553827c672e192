package adapter

import (
	"errors"
	"strings"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/session"
)

// evaluateHandlers: evaluate (watch, hover, repl, clipboard, variables),
// setExpression, and completions for the debug console.
func evaluateHandlers() map[string]handler {
	return map[string]handler{
		"evaluate": {run: on(evaluate), advertise: func(c *dap.Capabilities) {
			c.SupportsEvaluateForHovers = true
			c.SupportsClipboardContext = true
		}},
		"setExpression": {run: on(setExpression), advertise: func(c *dap.Capabilities) { c.SupportsSetExpression = true }},
		"completions": {run: on(completions), advertise: func(c *dap.Capabilities) {
			c.SupportsCompletionsRequest = true
			c.CompletionTriggerCharacters = []string{".", ">", "$"}
		}},
	}
}

func evaluate(s *session.Session, req *dap.EvaluateRequest) (dap.ResponseMessage, error) {
	args := req.Arguments
	if strings.TrimSpace(args.Expression) == "" {
		return nil, errors.New(`evaluate needs "expression": an expression such as p->x, or "help" in the debug console`)
	}
	body, err := s.Evaluate(args.Expression, args.FrameId, args.Context)
	if err != nil {
		return nil, err
	}
	return &dap.EvaluateResponse{Body: body}, nil
}

func setExpression(s *session.Session, req *dap.SetExpressionRequest) (dap.ResponseMessage, error) {
	args := req.Arguments
	if strings.TrimSpace(args.Expression) == "" || strings.TrimSpace(args.Value) == "" {
		return nil, errors.New(`setExpression needs "expression" (what to set, such as p->count) and "value"`)
	}
	body, err := s.SetExpression(args.Expression, args.Value, args.FrameId)
	if err != nil {
		return nil, err
	}
	return &dap.SetExpressionResponse{Body: body}, nil
}

func completions(s *session.Session, req *dap.CompletionsRequest) (dap.ResponseMessage, error) {
	args := req.Arguments
	items, err := s.Completions(args.Text, args.Column, args.FrameId)
	if err != nil {
		return nil, err
	}
	if items == nil {
		items = []dap.CompletionItem{}
	}
	return &dap.CompletionsResponse{Body: dap.CompletionsResponseBody{Targets: items}}, nil
}
