package adapter

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/session"
	"github.com/dapproc/dapproc/tracer"
)

// lifecycleHandlers: initialize, launch, attach, configurationDone,
// disconnect, terminate.
func lifecycleHandlers() map[string]handler {
	return map[string]handler{
		"initialize": {run: on(initialize)},
		"launch":     {run: on(launch)},
		"attach":     {run: on(attach)},
		"configurationDone": {run: on(configurationDone),
			advertise: func(c *dap.Capabilities) { c.SupportsConfigurationDoneRequest = true }},
		"disconnect": {run: on(disconnect),
			advertise: func(c *dap.Capabilities) { c.SupportTerminateDebuggee = true }},
		"terminate": {run: on(terminate),
			advertise: func(c *dap.Capabilities) { c.SupportsTerminateRequest = true }},
	}
}

func initialize(s *session.Session, req *dap.InitializeRequest) (dap.ResponseMessage, error) {
	if err := s.Initialize(); err != nil {
		return nil, err
	}
	s.SetClient(session.ClientCaps{
		RunInTerminal:     req.Arguments.SupportsRunInTerminalRequest,
		ProgressReporting: req.Arguments.SupportsProgressReporting,
	})
	s.SetInvalidatedEvents(req.Arguments.SupportsInvalidatedEvent)
	return &dap.InitializeResponse{Body: capabilities(handlerTable())}, nil
}

// launchArguments are lldb-dap's launch arguments that dapproc honours.
type launchArguments struct {
	Program     string          `json:"program"`
	Args        []string        `json:"args"`
	Cwd         string          `json:"cwd"`
	Env         json.RawMessage `json:"env"`
	StopOnEntry bool            `json:"stopOnEntry"`
}

func launch(s *session.Session, req *dap.LaunchRequest) (dap.ResponseMessage, error) {
	var args launchArguments
	if len(req.Arguments) == 0 {
		return nil, errors.New(`launch needs arguments: at least "program"`)
	}
	if err := json.Unmarshal(req.Arguments, &args); err != nil {
		return nil, fmt.Errorf("launch arguments: %w", err)
	}
	env, err := launchEnv(args.Env)
	if err != nil {
		return nil, err
	}
	err = s.Launch(session.LaunchArgs{
		Config: tracer.LaunchConfig{
			Program: args.Program,
			Args:    args.Args,
			Env:     env,
			Dir:     args.Cwd,
		},
		StopOnEntry: args.StopOnEntry,
	})
	if err != nil {
		return nil, err
	}
	return &dap.LaunchResponse{}, nil
}

// launchEnv merges the launch's "env" (an object, or an array of "K=V")
// over dapproc's own environment. nil means dapproc's environment as is.
func launchEnv(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	set := map[string]string{}
	var obj map[string]string
	var list []string
	switch {
	case json.Unmarshal(raw, &obj) == nil:
		set = obj
	case json.Unmarshal(raw, &list) == nil:
		for _, kv := range list {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k == "" {
				return nil, fmt.Errorf(`launch "env" entry %q is not of the form "NAME=value"`, kv)
			}
			set[k] = v
		}
	default:
		return nil, errors.New(`launch "env" must be an object {"NAME": "value"} or an array ["NAME=value"]`)
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if _, overridden := set[k]; !overridden {
			env = append(env, kv)
		}
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, k+"="+set[k])
	}
	return env, nil
}

// attachArguments are the attach arguments that dapproc honours.
type attachArguments struct {
	Pid *int `json:"pid"`
}

func attach(s *session.Session, req *dap.AttachRequest) (dap.ResponseMessage, error) {
	var args attachArguments
	if len(req.Arguments) > 0 {
		if err := json.Unmarshal(req.Arguments, &args); err != nil {
			return nil, fmt.Errorf(`attach arguments: %w ("pid" must be a number)`, err)
		}
	}
	if args.Pid == nil {
		return nil, errors.New(`attach needs "pid": the process id to attach to`)
	}
	if err := s.Attach(*args.Pid); err != nil {
		return nil, err
	}
	return &dap.AttachResponse{}, nil
}

func configurationDone(s *session.Session, req *dap.ConfigurationDoneRequest) (dap.ResponseMessage, error) {
	if err := s.ConfigurationDone(); err != nil {
		return nil, err
	}
	return &dap.ConfigurationDoneResponse{}, nil
}

// disconnectRequest is a disconnect request that knows whether
// terminateDebuggee was given: go-dap's bool cannot tell absent from false,
// and the default differs after launch and after attach.
type disconnectRequest struct {
	*dap.DisconnectRequest
	terminateDebuggee *bool
}

func newDisconnectRequest(req *dap.DisconnectRequest, raw []byte) *disconnectRequest {
	var m struct {
		Arguments struct {
			TerminateDebuggee *bool `json:"terminateDebuggee"`
		} `json:"arguments"`
	}
	_ = json.Unmarshal(raw, &m) // go-dap decoded the same bytes without error
	return &disconnectRequest{req, m.Arguments.TerminateDebuggee}
}

func disconnect(s *session.Session, req *disconnectRequest) (dap.ResponseMessage, error) {
	if err := s.Disconnect(req.terminateDebuggee); err != nil {
		return nil, err
	}
	return &dap.DisconnectResponse{}, nil
}

func terminate(s *session.Session, req *dap.TerminateRequest) (dap.ResponseMessage, error) {
	if err := s.Terminate(); err != nil {
		return nil, err
	}
	return &dap.TerminateResponse{}, nil
}
