//go:build linux

package linux

import (
	"fmt"
	"syscall"

	"github.com/dapproc/dapproc/tracer"
)

// threadState is where one thread is in its life, in the style of the 2009
// debug/proc package: every change goes through setState.
type threadState int

const (
	// stateRunning: resumed; it will report its next stop through wait4.
	stateRunning threadState = iota + 1
	// stateStopping: still running, and sent SIGSTOP to stop the world; it
	// counts as stopped once it reports any stop.
	stateStopping
	// stateStopped: in a ptrace stop. pending holds the reason if the caller
	// has not been told yet; nil means it was stopped by us.
	stateStopped
	// stateExiting: reported PTRACE_EVENT_EXIT and was let go to its end; it
	// is gone for the caller, only its exit status is still to come.
	stateExiting
	// stateExited: its exit status was reaped.
	stateExited
)

var stateNames = [...]string{
	stateRunning:  "running",
	stateStopping: "stopping",
	stateStopped:  "stopped",
	stateExiting:  "exiting",
	stateExited:   "exited",
}

func (s threadState) String() string {
	if s > 0 && int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("threadState(%d)", int(s))
}

// active reports whether the thread is running and will report a stop that
// the current resume must wait for.
func (s threadState) active() bool { return s == stateRunning || s == stateStopping }

// live reports whether the thread exists for the caller.
func (s threadState) live() bool { return s != 0 && s != stateExiting && s != stateExited }

// thread is the monitor's record of one traced thread. Monitor only.
type thread struct {
	tid   int
	state threadState
	// newborn: the thread's first stop will be the SIGSTOP the kernel queues
	// for a clone child or an attached thread, whatever its siginfo says.
	newborn bool
	// stepping: resumed with PTRACE_SINGLESTEP rather than PTRACE_CONT.
	stepping bool
	// pending is a stop that happened and has not been reported yet.
	pending *tracer.StopEvent
	// heldSig is the signal to deliver on the next resume (0: none).
	heldSig syscall.Signal
	// bpAddr is the breakpoint address the thread's PC stands on (0: none):
	// the thread must be stepped over it alone before it runs.
	bpAddr uint64

	regs      tracer.Regs
	regsValid bool
	xstate    []byte
}

// setState moves the thread to s, dropping what a resume invalidates, and
// keeps the process's count of active threads. Monitor only.
func (p *Process) setState(t *thread, s threadState) {
	if t.state.active() {
		p.active--
	}
	if s.active() {
		p.active++
	}
	if t.state.live() {
		p.live--
	}
	if s.live() {
		p.live++
	}
	if s == stateRunning || s == stateStopping {
		if t.state != stateRunning && t.state != stateStopping {
			t.regsValid = false
			t.xstate = nil
			t.bpAddr = 0
		}
	}
	t.state = s
}

// newThread records a thread in state s. Monitor only.
func (p *Process) newThread(tid int, s threadState) *thread {
	t := &thread{tid: tid}
	p.threads[tid] = t
	p.setState(t, s)
	return t
}

// removeThread forgets a thread whose exit status was reaped. Monitor only.
func (p *Process) removeThread(t *thread) {
	p.setState(t, stateExited)
	delete(p.threads, t.tid)
}
