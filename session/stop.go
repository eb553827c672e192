package session

import (
	"errors"
	"fmt"
	"syscall"
	"time"

	"github.com/google/go-dap"
	"golang.org/x/sys/unix"

	"github.com/dapproc/dapproc/tracer"
)

// outputDrainLimit bounds the wait for the debuggee's pipes to reach EOF
// before `exited` is sent: a child process that inherited them may keep
// them open long after the debuggee itself exited.
const outputDrainLimit = 2 * time.Second

// handleResult handles the end of a runner's tracer call: it reports the
// stop, or resumes without a word when the stop was only for the session
// (the dynamic linker's rendezvous, a signal passed to the program, a
// breakpoint of a step that belongs to another thread).
func (s *Session) handleResult(r runResult) {
	if s.state != Running {
		// A stop kept by halt while a request was being served.
		s.log.Debug("runner result after a halt", "state", s.state)
	}
	var exited tracer.ErrExited
	if errors.As(r.err, &exited) {
		s.exit(exited.Status)
		return
	}
	if r.err != nil && errors.Is(r.err, syscall.ESRCH) {
		// A thread in ptrace-stop vanished under the tracer in the middle
		// of a resume (for instance while a breakpoint was stepped
		// over): only SIGKILL does that. Finish the job and reap it, so
		// the client sees the exit rather than a failed resume.
		s.log.Debug("resume found a thread gone; the process was killed", "err", r.err)
		s.state = Stopped
		if err := s.endProcess(true); err != nil {
			s.log.Warn("reaping a killed process", "pid", s.pid, "err", err)
			s.exit(tracer.WaitStatus{Signal: syscall.SIGKILL})
		}
		return
	}
	ev := r.ev
	s.threads.applyStop(&ev)
	s.sendThreadEvents(&ev)
	if r.err != nil {
		s.log.Error("resume failed", "pid", s.pid, "err", r.err)
		s.send(&dap.OutputEvent{
			Event: dap.Event{Event: "output"},
			Body:  dap.OutputEventBody{Category: "console", Output: fmt.Sprintf("dapproc: resume failed: %v\n", r.err)},
		})
		s.report(r.ev.Tid, "exception", r.err.Error(), nil)
		return
	}
	switch ev.Reason {
	case tracer.StopExited:
		s.exit(ev.Status)
		return
	case tracer.StopInterrupt:
		// Without a pause pending, an interrupt of ours that arrived
		// after the stop it was meant for: nothing to report.
		s.resumeQuietly(ev.Tid)
		return
	case tracer.StopSignal:
		if !s.signals.stops(ev.Signal.Signal) {
			// Only with a tracer that cannot filter signals itself.
			s.resumeQuietly(ev.Tid) // the held signal is delivered on resume
			return
		}
		s.report(ev.Tid, "exception", describeSignal(ev.Signal), nil)
		s.exception = &signalStop{tid: s.focus, info: ev.Signal}
		return
	case tracer.StopExec:
		// A new program image: the old breakpoints went with the old one,
		// and so did the addresses a step was waiting for. A continue goes
		// on; a step ends at the new program's entry.
		s.loadSymbols(s.send)
		if _, plain := s.op.(*continueOp); plain {
			s.resumeQuietly(ev.Tid)
			return
		}
		s.report(ev.Tid, "entry", "", nil)
		return
	case tracer.StopBreakpoint:
		if ids := s.bps.userAt(ev.Addr); len(ids) > 0 {
			stop, reason, description := s.decideHit(ev.Tid, ids)
			if len(stop) > 0 {
				s.report(ev.Tid, reason, description, stop)
				return
			}
			if s.bps.internal[ev.Addr] == 0 {
				s.resumeQuietly(ev.Tid) // no breakpoint there wants this hit
				return
			}
		}
		if ev.Addr == s.rendezvous && s.rendezvous != 0 {
			s.librariesChanged()
			s.resumeQuietly(ev.Tid)
			return
		}
	}
	done, reason := s.op.stopped(s, &ev)
	if !done {
		s.resumeQuietly(ev.Tid)
		return
	}
	if reason == "" {
		reason = stopReasonName(ev.Reason)
	}
	s.report(ev.Tid, reason, s.stepDescription(&ev, reason), nil)
}

// resumeQuietly goes on with the current operation after a stop that was
// only for the session, unless the user asked for a pause meanwhile: the
// tracer counts an event that came before the interrupt as the answer to
// it, so this stop is the pause.
func (s *Session) resumeQuietly(tid int) {
	if s.pausing {
		s.report(tid, "pause", "", nil)
		return
	}
	s.continueAfterHalt()
}

// report ends the current operation and tells the client: one `stopped`
// event for the whole process.
func (s *Session) report(tid int, reason, description string, hitIDs []int) {
	if s.op != nil {
		s.op.end(s)
		s.op = nil
	}
	s.state = Stopped
	s.pausing = false
	s.exception = nil
	if tid == 0 || !s.threads.has(tid) {
		tid = s.focusFallback()
	}
	s.focus = tid
	s.send(s.stoppedEvent(reason, tid, description, hitIDs))
}

// focusFallback is the thread to report when the stop names none.
func (s *Session) focusFallback() int {
	if s.threads.has(s.focus) {
		return s.focus
	}
	if len(s.threads.tids) > 0 {
		return s.threads.tids[0]
	}
	return s.pid
}

func (s *Session) stoppedEvent(reason string, tid int, description string, hitIDs []int) *dap.StoppedEvent {
	return &dap.StoppedEvent{
		Event: dap.Event{Event: "stopped"},
		Body: dap.StoppedEventBody{
			Reason:            reason,
			Description:       description,
			Text:              description,
			ThreadId:          tid,
			AllThreadsStopped: true,
			HitBreakpointIds:  hitIDs,
		},
	}
}

func (s *Session) sendThreadEvents(ev *tracer.StopEvent) {
	for _, tid := range ev.ThreadsCreated {
		s.send(threadEvent("started", tid))
	}
	for _, tid := range ev.ThreadsExited {
		s.send(threadEvent("exited", tid))
	}
}

// exit reports the end of the process: `exited` with its code once every
// byte of its output went out, then `terminated`. It happens once.
func (s *Session) exit(status tracer.WaitStatus) {
	if s.state == Exited {
		return
	}
	s.state = Exited // first: the operation's breakpoints need no clearing now
	if s.op != nil {
		s.op.end(s)
		s.op = nil
	}
	s.frames.reset()
	s.handles.reset()
	s.threads.tids = nil
	s.waitOutput()
	code := status.ExitCode
	if !status.Exited {
		code = 128 + int(status.Signal)
		s.send(&dap.OutputEvent{
			Event: dap.Event{Event: "output"},
			Body:  dap.OutputEventBody{Category: "console", Output: fmt.Sprintf("process %d killed by %s\n", s.pid, unix.SignalName(status.Signal))},
		})
	}
	s.send(&dap.ExitedEvent{Event: dap.Event{Event: "exited"}, Body: dap.ExitedEventBody{ExitCode: code}})
	s.sendTerminated()
}

func (s *Session) sendTerminated() {
	if s.terminatedSent {
		return
	}
	s.terminatedSent = true
	s.send(&dap.TerminatedEvent{Event: dap.Event{Event: "terminated"}})
}

// waitOutput waits, for a bounded time, until the output pumps have read
// every byte the debuggee wrote.
func (s *Session) waitOutput() {
	drained := make(chan struct{})
	go func() {
		s.output.Wait()
		close(drained)
	}()
	timer := time.NewTimer(outputDrainLimit)
	defer timer.Stop()
	select {
	case <-drained:
	case <-timer.C:
		s.log.Warn("debuggee output still open after exit; not waiting for it", "pid", s.pid)
	}
}

func stopReasonName(r tracer.StopReason) string {
	switch r {
	case tracer.StopEntry:
		return "entry"
	case tracer.StopBreakpoint:
		return "breakpoint"
	case tracer.StopInterrupt:
		return "pause"
	case tracer.StopSignal:
		return "exception"
	default:
		return "step"
	}
}
