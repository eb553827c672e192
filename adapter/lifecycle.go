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
// disconnect, terminate, restart, cancel.
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
		"restart": {run: on(restart),
			advertise: func(c *dap.Capabilities) { c.SupportsRestartRequest = true }},
		// Not advertised (supportsCancelRequest): there is never a
		// request in progress to cancel. Answered all the same.
		"cancel": {run: on(cancel)},
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
	s.SetMemoryEvents(req.Arguments.SupportsMemoryEvent)
	return &dap.InitializeResponse{Body: capabilities(handlerTable())}, nil
}

// launchArguments are lldb-dap's launch arguments that dapproc honours.
type launchArguments struct {
	Program     string          `json:"program"`
	Args        []string        `json:"args"`
	Cwd         string          `json:"cwd"`
	Env         json.RawMessage `json:"env"`
	StopOnEntry bool            `json:"stopOnEntry"`
	// Console is "internalConsole" (the default), "integratedTerminal"
	// or "externalTerminal".
	Console   string          `json:"console"`
	SourceMap json.RawMessage `json:"sourceMap"`
}

func launch(s *session.Session, req *dap.LaunchRequest) (dap.ResponseMessage, error) {
	args, err := parseLaunch(req.Arguments)
	if err != nil {
		return nil, err
	}
	if err := setLaunchSourceMap(s, req.Arguments); err != nil {
		return nil, err
	}
	if args.Terminal != "" && s.CanRunInTerminal() {
		// The session answers once the program runs in the terminal.
		return nil, s.LaunchInTerminal(req.Seq, args)
	}
	if err := s.Launch(args); err != nil {
		return nil, err
	}
	return &dap.LaunchResponse{}, nil
}

// parseLaunch decodes launch arguments (also restart's new ones).
func parseLaunch(raw json.RawMessage) (session.LaunchArgs, error) {
	var args launchArguments
	if len(raw) == 0 {
		return session.LaunchArgs{}, errors.New(`launch needs arguments: at least "program"`)
	}
	if err := json.Unmarshal(raw, &args); err != nil {
		return session.LaunchArgs{}, fmt.Errorf("launch arguments: %w", err)
	}
	env, err := launchEnv(args.Env)
	if err != nil {
		return session.LaunchArgs{}, err
	}
	var terminal string
	switch args.Console {
	case "", "internalConsole":
	case "integratedTerminal":
		terminal = "integrated"
	case "externalTerminal":
		terminal = "external"
	default:
		return session.LaunchArgs{}, fmt.Errorf(`launch "console" %q: use "internalConsole", "integratedTerminal" or "externalTerminal"`, args.Console)
	}
	return session.LaunchArgs{
		Terminal: terminal,
		Config: tracer.LaunchConfig{
			Program: args.Program,
			Args:    args.Args,
			Env:     env,
			Dir:     args.Cwd,
		},
		StopOnEntry: args.StopOnEntry,
	}, nil
}

// restart kills and relaunches the program; "arguments", when given, are
// the new launch configuration (as the client has it after an edit).
func restart(s *session.Session, req *dap.RestartRequest) (dap.ResponseMessage, error) {
	var body struct {
		Arguments json.RawMessage `json:"arguments"`
	}
	if len(req.Arguments) > 0 {
		if err := json.Unmarshal(req.Arguments, &body); err != nil {
			return nil, fmt.Errorf("restart arguments: %w", err)
		}
	}
	var next *session.LaunchArgs
	if len(body.Arguments) > 0 && string(body.Arguments) != "null" {
		args, err := parseLaunch(body.Arguments)
		if err != nil {
			return nil, err
		}
		if err := setLaunchSourceMap(s, body.Arguments); err != nil {
			return nil, err
		}
		next = &args
	}
	if err := s.Restart(next); err != nil {
		return nil, err
	}
	return &dap.RestartResponse{}, nil
}

// cancel is acknowledged: requests are served one at a time, each to its
// end, so by the time cancel is read the request it names is answered.
func cancel(s *session.Session, req *dap.CancelRequest) (dap.ResponseMessage, error) {
	return &dap.CancelResponse{}, nil
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
	Pid       *int            `json:"pid"`
	SourceMap json.RawMessage `json:"sourceMap"`
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
	if err := setSourceMap(s, args.SourceMap); err != nil {
		return nil, err
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
