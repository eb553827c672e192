package session

import (
	"fmt"
	"runtime/debug"

	"github.com/dapproc/dapproc/tracer"
)

// runResult is what the runner goroutine sends back: the stop event of one
// blocking tracer call.
type runResult struct {
	ev  tracer.StopEvent
	err error
}

// tracerCall is one blocking resume of the process.
type tracerCall func(p tracer.Process) (tracer.StopEvent, error)

// operation is what a resume request asked for: plain continue, one
// instruction, stepping over a call... It may need several tracer calls (a
// breakpoint of the step-over hit by another thread resumes again); the
// session asks it about each stop that the session does not handle itself.
type operation interface {
	// call is the tracer call that runs the program for the operation.
	call() tracerCall
	// stopped says whether the operation is over at ev, and with which
	// `stopped` reason ("" lets the session derive it from ev). It is not
	// asked about stops that end every operation: a user breakpoint, an
	// interrupt, a signal that stops the debugger, the end of the process.
	stopped(s *Session, ev *tracer.StopEvent) (done bool, reason string)
	// end releases what the operation holds, such as temporary breakpoints.
	end(s *Session)
}

// resume starts op: the per-stop handles are dropped, the state becomes
// running and a runner goroutine makes op's tracer call. Must be called on
// the session goroutine with the process stopped.
func (s *Session) resume(op operation) {
	s.frames.reset()
	s.handles.reset()
	s.op = op
	s.state = Running
	s.startRunner(op.call())
}

// asyncProcess is a tracer that runs a resume on its own thread and can
// hand the stop to the session right there (tracer/linux's Process.Go): no
// runner goroutine, and the `stopped` event is written by the thread that
// saw the stop. Each wake-up of another thread saved is tens of µs on a
// small VM.
type asyncProcess interface {
	Go(call func(tracer.Process) (tracer.StopEvent, error), handle func(tracer.StopEvent, error) bool, post func(tracer.StopEvent, error)) error
}

// startRunner starts call: with the tracer's Go if it has one, otherwise on
// a runner goroutine. Either way its result reaches handleResult once, on
// whichever goroutine holds s.mu.
func (s *Session) startRunner(call tracerCall) {
	if a, ok := s.proc.(asyncProcess); ok {
		if err := a.Go(call, s.handleOnTracer, s.postResult); err != nil {
			s.results <- runResult{err: err} // no resume runs: the buffer is free
		}
		return
	}
	p := s.proc
	go func() {
		var r runResult
		defer func() {
			if p := recover(); p != nil {
				r.err = fmt.Errorf("internal error in the tracer: %v", p)
				s.log.Error("runner panic", "panic", p, "stack", string(debug.Stack()))
			}
			s.results <- r
		}()
		r.ev, r.err = call(p)
	}()
}

// handleOnTracer handles a resume's result on the tracer's thread if the
// session is idle (s.mu free), and reports whether it did. When a request is
// being served, the result goes to s.results instead (postResult), where
// Run, or a halt waiting for it, takes it.
func (s *Session) handleOnTracer(ev tracer.StopEvent, err error) bool {
	if !s.mu.TryLock() {
		return false
	}
	defer s.mu.Unlock()
	if s.ended {
		return false
	}
	s.safely("stop", func() { s.handleResult(runResult{ev: ev, err: err}) })
	for s.pending != nil && !s.ended {
		r := *s.pending
		s.pending = nil
		s.safely("stop", func() { s.handleResult(r) })
	}
	return true
}

// postResult queues a result that handleOnTracer could not handle.
func (s *Session) postResult(ev tracer.StopEvent, err error) {
	s.results <- runResult{ev: ev, err: err}
}

// halt stops a running process for the session's own needs (applying
// breakpoints, disconnecting). It reports whether the caller should resume
// the interrupted operation when done. If the process stopped for a reason
// of its own before the interrupt landed, that stop is kept in s.pending
// and reported once the current request is answered.
func (s *Session) halt() (resumeAfter bool) {
	if s.state != Running {
		return false
	}
	if err := s.proc.Interrupt(); err != nil {
		s.log.Warn("interrupt to halt", "pid", s.pid, "err", err)
	}
	r := <-s.results
	s.state = Stopped
	if r.err == nil && r.ev.Reason == tracer.StopInterrupt && !s.pausing {
		s.threads.applyStop(&r.ev)
		s.sendThreadEvents(&r.ev)
		return true
	}
	s.pending = &r
	return false
}

// continueAfterHalt resumes the operation that halt interrupted.
func (s *Session) continueAfterHalt() {
	s.frames.reset()
	s.handles.reset()
	s.state = Running
	s.startRunner(s.op.call())
}

// continueOp is `continue`: every thread, or one.
type continueOp struct {
	tid    int // only this thread runs when single is set
	single bool
}

func (o *continueOp) call() tracerCall {
	if o.single {
		tid := o.tid
		return func(p tracer.Process) (tracer.StopEvent, error) { return p.ContinueThread(tid) }
	}
	return func(p tracer.Process) (tracer.StopEvent, error) { return p.Continue() }
}

func (o *continueOp) stopped(*Session, *tracer.StopEvent) (bool, string) { return true, "" }
func (o *continueOp) end(*Session)                                       {}

// stepInstructionOp executes one instruction of one thread.
type stepInstructionOp struct{ tid int }

func (o *stepInstructionOp) call() tracerCall {
	tid := o.tid
	return func(p tracer.Process) (tracer.StopEvent, error) { return p.StepInstruction(tid) }
}

func (o *stepInstructionOp) stopped(*Session, *tracer.StopEvent) (bool, string) { return true, "step" }
func (o *stepInstructionOp) end(*Session)                                       {}

// runToReturnOp runs every thread until thread tid reaches ret with its
// stack pointer at least sp: the way back from a call (stepping over it,
// or out of the current function). The stack pointer guard keeps a
// recursive call of the same function from ending the step early.
type runToReturnOp struct {
	tid int
	ret uint64
	sp  uint64
}

func (o *runToReturnOp) call() tracerCall {
	return func(p tracer.Process) (tracer.StopEvent, error) { return p.Continue() }
}

func (o *runToReturnOp) stopped(s *Session, ev *tracer.StopEvent) (bool, string) {
	if ev.Reason != tracer.StopBreakpoint || ev.Addr != o.ret {
		return true, ""
	}
	if ev.Tid != o.tid {
		return false, ""
	}
	regs, err := s.proc.Regs(o.tid)
	if err != nil {
		s.log.Warn("registers at the return breakpoint", "tid", o.tid, "err", err)
		return true, "step"
	}
	return regs.SP() >= o.sp, "step"
}

func (o *runToReturnOp) end(s *Session) { s.bps.releaseInternal(s, o.ret) }
