package session

import (
	"errors"
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/tracer"
)

// ClientCaps are what the client said it supports in `initialize`.
type ClientCaps struct {
	RunInTerminal     bool // it answers the runInTerminal reverse request
	ProgressReporting bool // it shows progressStart/Update/End events
}

// launchState is what the session keeps of the client and of the launch:
// for restart, module events, runInTerminal and progress.
type launchState struct {
	client       ClientCaps
	args         LaunchArgs      // the last launch's, which restart repeats
	modulesAsked bool            // the client asked for `modules`: send `module` events
	terminal     *terminalLaunch // a launch in the client's terminal, until the program execs
	progress     int             // progress events sent, for their ids
}

// SetClient records what the client supports, from `initialize`.
func (s *Session) SetClient(client ClientCaps) { s.launch.client = client }

// Initialize answers `initialize`; the `initialized` event follows the
// response, so the client may send its configuration.
func (s *Session) Initialize() error {
	if s.initialized {
		return errors.New("initialize was already sent in this session")
	}
	s.initialized = true
	s.queueAfterResponse(&dap.InitializedEvent{Event: dap.Event{Event: "initialized"}})
	return nil
}

// LaunchArgs are the launch request's arguments, already decoded.
type LaunchArgs struct {
	Config      tracer.LaunchConfig
	StopOnEntry bool
	// Terminal is "integrated" or "external" when the launch's console
	// asks for a terminal (LaunchInTerminal); "" for the debug console.
	Terminal string
}

// CanRunInTerminal reports whether the client runs commands in a terminal
// for the session (runInTerminal).
func (s *Session) CanRunInTerminal() bool { return s.launch.client.RunInTerminal }

// Launch starts the program stopped at its entry and moves to configuring.
// The `process` event and a `thread` started event per thread follow the
// response.
func (s *Session) Launch(args LaunchArgs) error {
	if s.state != Initializing {
		return ErrBadState{"launch", s.state}
	}
	if err := checkLaunch(args); err != nil {
		return err
	}
	p, err := s.launcher.Launch(args.Config)
	if err != nil {
		return fmt.Errorf("launch %s: %w", args.Config.Program, err)
	}
	s.launch.args = args
	s.stopOnEntry = args.StopOnEntry
	s.start(p, false, "launch")
	if args.Terminal != "" {
		s.queueAfterResponse(&dap.OutputEvent{Event: dap.Event{Event: "output"}, Body: dap.OutputEventBody{
			Category: "console",
			Output:   "dapproc: this client cannot run the program in a terminal (no runInTerminal support); its output comes here and its input is /dev/null\n",
		}})
	}
	return nil
}

// checkLaunch rejects launch arguments that cannot work, saying why.
func checkLaunch(args LaunchArgs) error {
	if args.Config.Program == "" {
		return errors.New(`launch needs "program": the path of the executable to debug`)
	}
	if args.Config.Dir != "" {
		if fi, err := os.Stat(args.Config.Dir); err != nil || !fi.IsDir() {
			return fmt.Errorf("cwd %q is not a directory: set \"cwd\" to an existing directory", args.Config.Dir)
		}
	}
	return nil
}

// Restart kills the launched program and starts it again, with the last
// launch's arguments or with args when the client sends new ones, then
// goes on as configurationDone does (runs it, or stops at its entry) if
// the client had sent it.
// The breakpoints are kept and bound again in the new process, each with
// a `breakpoint` event; the old threads get `thread` exited events and
// the new process its `process` event, all after the response. The old
// process ends without `exited` and `terminated`: the session goes on.
func (s *Session) Restart(args *LaunchArgs) error {
	switch {
	case s.proc == nil:
		return ErrNoProcess
	case s.attached:
		return errors.New("restart works for launched programs only: detach (disconnect) and attach again")
	case s.launch.args.Terminal != "":
		return errors.New("restart of a program started in a terminal is not supported: stop the session and start it again")
	}
	next := s.launch.args
	if args != nil {
		next = *args
	}
	if err := checkLaunch(next); err != nil {
		return err
	}
	configured := s.state != Configuring
	s.killQuietly()
	for _, tid := range s.threads.tids {
		s.queueAfterResponse(threadEvent("exited", tid))
	}
	s.threads = threadList{}
	p, err := s.launcher.Launch(next.Config)
	if err != nil {
		s.proc = nil
		s.sendTerminated()
		return fmt.Errorf("restart: launch %s: %w; the session has ended", next.Config.Program, err)
	}
	s.launch.args = next
	s.stopOnEntry = next.StopOnEntry
	s.start(p, false, "launch")
	if !configured {
		return nil // configurationDone is still to come
	}
	return s.ConfigurationDone()
}

// killQuietly ends the current process for a restart: no `exited` or
// `terminated` event, its output drained first.
func (s *Session) killQuietly() {
	if s.state == Exited {
		return
	}
	if s.state == Running {
		s.halt()
		s.pending = nil // whatever it stopped for is moot now
	}
	if s.op != nil {
		s.op.end(s)
		s.op = nil
	}
	if err := s.proc.Kill(); err != nil {
		s.log.Debug("restart: kill", "pid", s.pid, "err", err)
	}
	s.state = Exited
	s.pausing = false
	s.frames.reset()
	s.handles.reset()
	s.waitOutput()
}

// Attach takes control of the running process pid and moves to
// configuring; the process stays stopped until configurationDone.
func (s *Session) Attach(pid int) error {
	if s.state != Initializing {
		return ErrBadState{"attach", s.state}
	}
	if pid <= 0 {
		return fmt.Errorf("attach needs \"pid\", the id of a running process (got %d)", pid)
	}
	p, err := s.launcher.Attach(pid)
	if err != nil {
		return fmt.Errorf("attach to process %d: %w", pid, err)
	}
	s.start(p, true, "attach")
	return nil
}

// start takes the freshly launched or attached process.
func (s *Session) start(p tracer.Process, attached bool, method string) {
	s.proc = p
	s.attached = attached
	s.pid = p.Pid()
	s.state = Configuring
	s.focus = p.Pid()
	// The process and its threads come first, then what the symbols
	// bring (breakpoints bound, modules).
	var bound []dap.Message
	s.loadSymbols(func(m dap.Message) { bound = append(bound, m) })
	if err := s.pushSignalPolicy(); err != nil {
		s.log.Warn("signal filters", "pid", s.pid, "err", err)
	}
	s.queueAfterResponse(&dap.ProcessEvent{
		Event: dap.Event{Event: "process"},
		Body: dap.ProcessEventBody{
			Name:            p.Executable(),
			SystemProcessId: p.Pid(),
			IsLocalProcess:  true,
			StartMethod:     method,
			PointerSize:     64,
		},
	})
	for _, tid := range s.threads.update(p) {
		s.queueAfterResponse(threadEvent("started", tid))
	}
	for _, m := range bound {
		s.queueAfterResponse(m)
	}
}

// ConfigurationDone ends the configuration: the program runs, or reports a
// `stopped` event with reason entry if the launch asked to stop on entry.
func (s *Session) ConfigurationDone() error {
	switch s.state {
	case Configuring:
	case Initializing:
		if s.terminalConfigured() {
			return nil
		}
		return ErrNoProcess
	default:
		return ErrBadState{"configurationDone", s.state}
	}
	// The program has not run yet, so it has written nothing: the pumps
	// start now, and no output event can precede the launch response.
	s.pumpOutput(s.proc.Stdout(), "stdout")
	s.pumpOutput(s.proc.Stderr(), "stderr")
	if s.stopOnEntry && s.launch.terminal != nil {
		s.resume(runToExecOp{}) // the entry is the program's, after the stub's exec
		return nil
	}
	if s.stopOnEntry {
		s.state = Stopped
		s.queueAfterResponse(s.stoppedEvent("entry", s.pid, "", nil))
		return nil
	}
	s.resume(&continueOp{tid: 0})
	return nil
}

// pumpOutput sends what the debuggee writes to r as `output` events of the
// given category, until EOF. Each read becomes one event, so the order within
// a stream is kept; a UTF-8 character cut by a read waits for its other
// bytes. The session waits for the pumps before it sends `exited`.
func (s *Session) pumpOutput(r io.Reader, category string) {
	if r == nil {
		return
	}
	s.output.Add(1)
	go func() {
		defer s.output.Done()
		buf := make([]byte, 32*1024)
		held := 0 // bytes of a cut character kept at the start of buf
		for {
			n, err := r.Read(buf[held:])
			n += held
			whole := n
			if err == nil {
				whole = wholeUTF8(buf[:n])
			}
			if whole > 0 {
				s.send(&dap.OutputEvent{
					Event: dap.Event{Event: "output"},
					Body:  dap.OutputEventBody{Category: category, Output: string(buf[:whole])},
				})
			}
			held = copy(buf, buf[whole:n])
			if err != nil {
				if !errors.Is(err, io.EOF) && !errors.Is(err, os.ErrClosed) {
					s.log.Debug("debuggee output", "category", category, "err", err)
				}
				return
			}
		}
	}()
}

// wholeUTF8 returns the length of the longest prefix of b that does not
// end inside a UTF-8 character.
func wholeUTF8(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax+1; i-- {
		c := b[i]
		if c < utf8.RuneSelf {
			return len(b)
		}
		if utf8.RuneStart(c) {
			if utf8.FullRune(b[i:]) {
				return len(b)
			}
			return i
		}
	}
	return len(b)
}

func threadEvent(reason string, tid int) *dap.ThreadEvent {
	return &dap.ThreadEvent{
		Event: dap.Event{Event: "thread"},
		Body:  dap.ThreadEventBody{Reason: reason, ThreadId: tid},
	}
}
