package session

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/dapproc/dapproc/tracer"
)

// needStopped returns an error unless the process is stopped.
func (s *Session) needStopped() error {
	switch s.state {
	case Stopped:
		return nil
	case Running:
		return ErrNotStopped
	case Configuring:
		return errors.New("the program has not started: send configurationDone first")
	case Exited:
		return ErrExited
	default:
		return ErrNoProcess
	}
}

// Continue resumes every thread, or only tid when singleThread is set. It
// reports whether all threads were resumed.
func (s *Session) Continue(tid int, singleThread bool) (allThreads bool, err error) {
	if err := s.needStopped(); err != nil {
		return false, err
	}
	if singleThread {
		if err := s.checkThread(tid); err != nil {
			return false, err
		}
	}
	s.resume(&continueOp{tid: tid, single: singleThread})
	return !singleThread, nil
}

// StepKind is the step request being served.
type StepKind int

// The step requests.
const (
	StepInstruction StepKind = iota // stepInstruction, stepIn with instruction granularity
	StepOver                        // next
	StepIn                          // stepIn
	StepOut                         // stepOut
)

// StepOptions are a step request's arguments besides the thread.
type StepOptions struct {
	// Granularity is "instruction", "line", "statement" or "" (line).
	Granularity string
	// SingleThread runs only the stepping thread; the others stay stopped.
	SingleThread bool
	// TargetID is a stepIn target from StepInTargets (0 for none): the
	// step enters that callee of the current line.
	TargetID int
}

// Step runs thread tid by one step of the given kind.
func (s *Session) Step(kind StepKind, tid int, opts StepOptions) error {
	if err := s.needStopped(); err != nil {
		return err
	}
	if err := s.checkThread(tid); err != nil {
		return err
	}
	op, err := s.stepOperation(kind, tid, opts)
	if err != nil {
		return err
	}
	s.focus = tid
	if opts.SingleThread {
		op = oneThread{op, tid}
	}
	s.resume(op)
	return nil
}

// stepOperation builds the operation for a step of thread tid.
func (s *Session) stepOperation(kind StepKind, tid int, opts StepOptions) (operation, error) {
	regs, err := s.proc.Regs(tid)
	if err != nil {
		return nil, fmt.Errorf("registers of thread %d: %w", tid, err)
	}
	instruction := opts.Granularity == "instruction"
	switch kind {
	case StepOver:
		if instruction {
			return s.stepOverInstruction(tid, &regs)
		}
		return s.stepOverLine(tid, &regs)
	case StepIn:
		if opts.TargetID != 0 {
			return s.stepInto(tid, &regs, uint64(opts.TargetID))
		}
		if instruction {
			return &stepInstructionOp{tid: tid}, nil
		}
		return s.stepInLine(tid, &regs)
	case StepOut:
		return s.stepOutOf(tid, &regs)
	default:
		return &stepInstructionOp{tid: tid}, nil
	}
}

// oneThread runs an operation with only thread tid resumed: every
// Continue it makes becomes a ContinueThread.
type oneThread struct {
	operation
	tid int
}

func (o oneThread) call() tracerCall {
	inner, tid := o.operation.call(), o.tid
	return func(p tracer.Process) (tracer.StopEvent, error) { return inner(threadOnly{p, tid}) }
}

// threadOnly is a process whose Continue resumes one thread.
type threadOnly struct {
	tracer.Process
	tid int
}

func (p threadOnly) Continue() (tracer.StopEvent, error) { return p.ContinueThread(p.tid) }

// stepOverInstruction executes one instruction, running a called function
// to its return as if it were one instruction.
func (s *Session) stepOverInstruction(tid int, regs *tracer.Regs) (operation, error) {
	pc := regs.PC()
	inst, err := s.decodeAt(pc)
	if err != nil || !inst.IsCall() {
		return &stepInstructionOp{tid: tid}, nil
	}
	ret := pc + uint64(inst.Len)
	if err := s.bps.acquireInternal(s, ret); err != nil {
		return nil, err
	}
	return &runToReturnOp{tid: tid, ret: ret, sp: regs.SP()}, nil
}

// Pause interrupts the running program; the `stopped` event with reason
// pause follows the response. Pausing a stopped program is a no-op.
func (s *Session) Pause() error {
	switch s.state {
	case Running:
		s.pausing = true
		if err := s.proc.Interrupt(); err != nil {
			return fmt.Errorf("interrupt process %d: %w", s.pid, err)
		}
		return nil
	case Stopped, Configuring:
		return nil
	default:
		return ErrNoProcess
	}
}

// Disconnect ends the session: the process is killed, or detached and left
// running. terminate nil means the default: kill what we launched, leave
// what we attached to.
func (s *Session) Disconnect(terminate *bool) error {
	s.cancelTerminal()
	kill := !s.attached
	if terminate != nil {
		kill = *terminate
	}
	err := s.endProcess(kill)
	s.sendTerminated()
	s.ended = true
	return err
}

// Terminate kills the debuggee; the session stays until disconnect.
func (s *Session) Terminate() error {
	if s.proc == nil || s.state == Exited {
		return ErrNoProcess
	}
	return s.endProcess(true)
}

// Close ends the session because the client went away or the server is
// shutting down: like Disconnect with the default.
func (s *Session) Close() {
	if err := s.Disconnect(nil); err != nil {
		s.log.Warn("closing session", "pid", s.pid, "err", err)
	}
}

// endProcess kills or detaches the process, whatever its state.
func (s *Session) endProcess(kill bool) error {
	if s.proc == nil || s.state == Exited {
		return nil
	}
	if s.state == Running {
		s.halt()
		if s.pending != nil {
			r := *s.pending
			s.pending = nil
			var exited tracer.ErrExited
			if errors.As(r.err, &exited) || r.ev.Reason == tracer.StopExited {
				status := r.ev.Status
				if r.err != nil {
					status = exited.Status
				}
				s.exit(status)
				return nil
			}
		}
	}
	if s.op != nil {
		s.op.end(s)
		s.op = nil
	}
	if !kill {
		if err := s.proc.Detach(); err != nil {
			return fmt.Errorf("detach from process %d: %w", s.pid, err)
		}
		s.state = Exited
		return nil
	}
	if err := s.proc.Kill(); err != nil {
		var exited tracer.ErrExited
		if errors.As(err, &exited) {
			s.exit(exited.Status) // it ended on its own meanwhile
			return nil
		}
		return fmt.Errorf("kill process %d: %w", s.pid, err)
	}
	s.exit(tracer.WaitStatus{Signal: syscall.SIGKILL})
	return nil
}
