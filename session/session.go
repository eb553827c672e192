// Package session holds the debugging semantics of one DAP session: the
// process, its breakpoints, its threads and stops, and the events they cause.
//
// Goroutines: one goroutine, the one running Run, owns every piece of session
// state and handles one input at a time: jobs posted with Do (the adapter's
// request handlers) and the results of the runner goroutine. Every exported
// method other than New, Run, Do and Done must be called from inside a job,
// that is on the session goroutine. A resume hands the tracer.Process to a
// short-lived runner goroutine that makes one blocking tracer call (Continue,
// ContinueThread or StepInstruction) and sends back its result; while it
// runs, the session touches the process only through Interrupt. Output pumps
// (one per debuggee pipe) send `output` events straight to the Sender.
//
// One exception, for speed (resume.go): a tracer with Go (tracer/linux)
// replaces the runner goroutine, and when the session is idle it handles
// the stop on the tracer's own thread, so the thread that saw the stop
// writes the `stopped` event. Whoever handles an input holds s.mu: Run
// while it serves a job or a result, the tracer's thread only if it gets
// s.mu with TryLock (otherwise the result goes to Run as before), so inputs
// are still handled one at a time.
//
// Orderings that follow from this: a request's job sends its response
// before it returns, and a runner's result is handled only between jobs,
// so `continue`'s response always precedes the `stopped` event it leads
// to. Events that must follow a response (`initialized`, `process`) are
// queued with the job and taken by the adapter with AfterResponse.
//
// The state is explicit (State) and each input is handled by a switch on
// it: requests check it through needStopped and friends, handleResult
// decides per stop reason whether the stop is reported or was only for
// the session (the dynamic linker's rendezvous, a signal passed to the
// program, a breakpoint of a step that another thread hit), and the
// current operation (continue, one instruction, next, stepIn, stepOut)
// decides whether it is over.
package session

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/symbols"
	"github.com/dapproc/dapproc/tracer"
)

// State is where the session is in its life.
type State int

// The states of a session.
const (
	// Initializing: no process yet (before launch or attach).
	Initializing State = iota
	// Configuring: the process exists, stopped at its entry, and the client
	// is sending its configuration until configurationDone.
	Configuring
	// Running: a runner goroutine owns the process.
	Running
	// Stopped: every thread is stopped and the session may inspect them.
	Stopped
	// Exited: the process is gone (exited, killed, or detached).
	Exited
)

var stateNames = [...]string{"initializing", "configuring", "running", "stopped", "exited"}

func (s State) String() string {
	if s >= 0 && int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "State(?)"
}

// Sender queues a DAP message for the client. The adapter's writer numbers
// and writes it. Send must be safe for use by several goroutines and must not
// block forever once the connection is gone.
type Sender interface {
	Send(m dap.Message)
}

// Config configures a session.
type Config struct {
	Launcher tracer.Launcher
	Out      Sender
	Log      *slog.Logger
}

// Session is one debugging session. See the package comment for which
// goroutine may call what.
type Session struct {
	launcher tracer.Launcher
	out      Sender
	log      *slog.Logger

	mu      sync.Mutex // held by whoever handles an input: Run, or the tracer (resume.go)
	jobs    chan func()
	results chan runResult
	done    chan struct{}
	ended   bool // Run should return after the current job

	initialized    bool
	state          State
	proc           tracer.Process
	attached       bool // the process was attached, not launched
	stopOnEntry    bool
	pid            int
	terminatedSent bool

	table      *symbols.Table
	stmtCache  map[*symbols.Function][]statement // statements(), per table
	rendezvous uint64                            // address of the dynamic linker's r_brk breakpoint, 0 if none
	srcMap     sourceMap                         // launch or attach "sourceMap": debug-info paths <-> the client's

	bps     breakpoints
	threads threadList
	frames  frameTable
	handles handleTable // variablesReference handles of this stop
	expr    exprState   // parsed expressions and scopes (conditions_eval.go)

	invalidatedEvents bool // the client handles `invalidated` events
	memoryEvents      bool // the client handles `memory` events

	signals   signalPolicy // which signals stop (signals.go)
	exception *signalStop  // the signal the current stop reported, for exceptionInfo

	launch launchState // the client's capabilities and the launch, for restart (launch.go)

	op      operation // what the current runner is doing; nil when not running
	focus   int       // the thread the last stop was about
	pausing bool      // the user asked for a pause that has not stopped yet

	pending *runResult // a stop that arrived while the session halted the runner

	afterResponse []dap.Message
	output        sync.WaitGroup // output pumps still reading
}

// New returns a session that has not started; call Run.
func New(cfg Config) *Session {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Session{
		launcher: cfg.Launcher,
		out:      cfg.Out,
		log:      log,
		jobs:     make(chan func()),
		results:  make(chan runResult, 1),
		done:     make(chan struct{}),
		bps:      newBreakpoints(),
		frames:   frameTable{ids: stopIDs[frameRef]{first: 1000}}, // apart from variablesReferences
	}
}

// ErrEnded is returned by Do once the session has ended.
var ErrEnded = errors.New("the debug session has ended")

// Do runs job on the session goroutine and waits for it to finish. It
// returns ErrEnded, without running job, once Run has returned. Any
// goroutine may call it, but not the session goroutine itself.
func (s *Session) Do(job func()) error {
	finished := make(chan struct{})
	wrapped := func() {
		defer close(finished)
		job()
	}
	select {
	case s.jobs <- wrapped:
	case <-s.done:
		return ErrEnded
	}
	<-finished
	return nil
}

// Done is closed when Run has returned.
func (s *Session) Done() <-chan struct{} { return s.done }

// Run is the session goroutine: it handles jobs and runner results until a
// job ends the session (Disconnect, Close) or ctx is cancelled, then kills or
// detaches the process. It returns once no goroutine it started is left.
func (s *Session) Run(ctx context.Context) {
	defer close(s.done)
	for !s.ended {
		select {
		case job := <-s.jobs:
			s.mu.Lock()
			job()
		case r := <-s.results:
			s.mu.Lock()
			s.safely("stop", func() { s.handleResult(r) })
		case <-ctx.Done():
			s.mu.Lock()
			s.safely("close", s.Close)
			s.ended = true
		}
		for s.pending != nil && !s.ended {
			r := *s.pending
			s.pending = nil
			s.safely("stop", func() { s.handleResult(r) })
		}
		s.mu.Unlock()
	}
}

// safely runs f, turning a panic into a logged error and a console
// message, so that a bug in handling one stop does not end the server.
func (s *Session) safely(what string, f func()) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("session panic", "while", what, "panic", p, "stack", string(debug.Stack()))
			s.send(&dap.OutputEvent{
				Event: dap.Event{Event: "output"},
				Body:  dap.OutputEventBody{Category: "console", Output: fmt.Sprintf("dapproc: internal error handling a %s: %v\n", what, p)},
			})
		}
	}()
	f()
}

// State returns the current state.
func (s *Session) State() State { return s.state }

// Pid returns the debuggee's process id, or 0 before launch or attach.
func (s *Session) Pid() int { return s.pid }

// AfterResponse returns, and forgets, the events that must follow the
// response to the request being handled (for example `initialized` after
// the `initialize` response). The adapter sends them right after the
// response.
func (s *Session) AfterResponse() []dap.Message {
	evs := s.afterResponse
	s.afterResponse = nil
	return evs
}

// queueAfterResponse holds ev until the current request has been answered.
func (s *Session) queueAfterResponse(ev dap.Message) {
	s.afterResponse = append(s.afterResponse, ev)
}

func (s *Session) send(m dap.Message) { s.out.Send(m) }
