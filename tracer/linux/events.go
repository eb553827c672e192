//go:build linux

package linux

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/dapproc/dapproc/tracer"
	"golang.org/x/sys/unix"
)

// traceOptions are the ptrace options of every traced thread; new threads
// and forked children inherit them.
const traceOptions = 0 |
	// Trace new threads: each one is attached from its first instruction
	// and reported as PTRACE_EVENT_CLONE by its parent.
	unix.PTRACE_O_TRACECLONE |
	// Stop each thread as it exits (PTRACE_EVENT_EXIT), while its
	// registers can still be read; it tells us a thread is leaving.
	unix.PTRACE_O_TRACEEXIT |
	// Report execve as PTRACE_EVENT_EXEC instead of a bare SIGTRAP that
	// looks like a breakpoint.
	unix.PTRACE_O_TRACEEXEC |
	// Catch fork and vfork children: they inherit our breakpoints in their
	// copy of memory, which we must remove before letting them go.
	unix.PTRACE_O_TRACEFORK |
	unix.PTRACE_O_TRACEVFORK |
	// Tell us when a vfork child stops borrowing its parent's memory, so
	// the breakpoints we took out of it go back in.
	unix.PTRACE_O_TRACEVFORKDONE

// exitKill is added for launched processes only: a process we started dies
// with us. An attached process must survive us, so it never gets it.
const exitKill = unix.PTRACE_O_EXITKILL

// handleEvent handles a PTRACE_EVENT stop of t. Monitor only.
func (p *Process) handleEvent(r *run, t *thread, event int) error {
	switch event {
	case unix.PTRACE_EVENT_CLONE:
		msg, err := eventMsg(t.tid)
		if err != nil {
			return err
		}
		if err := p.addClone(r, int(msg)); err != nil {
			return err
		}
		return p.quiet(r, t, 0)
	case unix.PTRACE_EVENT_FORK, unix.PTRACE_EVENT_VFORK:
		msg, err := eventMsg(t.tid)
		if err != nil {
			return err
		}
		if err := p.releaseChild(int(msg), event == unix.PTRACE_EVENT_VFORK); err != nil {
			return err
		}
		return p.quiet(r, t, 0)
	case unix.PTRACE_EVENT_VFORK_DONE:
		if p.vforkOut {
			p.vforkOut = false
			if err := p.insertAll(t.tid); err != nil {
				return err
			}
		}
		return p.quiet(r, t, 0)
	case unix.PTRACE_EVENT_EXEC:
		return p.handleExec(r, t)
	case unix.PTRACE_EVENT_EXIT:
		// The thread is leaving; let it go and expect its exit status.
		p.exited = append(p.exited, t.tid)
		p.setState(t, stateExiting)
		if err := ptraceCont(t.tid, 0); err != nil && !errors.Is(err, syscall.ESRCH) {
			return err
		}
		return p.retargetInterrupt(r, t.tid)
	default:
		return p.quiet(r, t, 0)
	}
}

// addClone records a new thread. The kernel queued SIGSTOP for it; its
// first stop may already be among the orphans. Monitor only.
func (p *Process) addClone(r *run, tid int) error {
	if p.threads[tid] != nil {
		return nil
	}
	s := stateRunning
	if r.only != 0 || r.stopping {
		s = stateStopping // it stays stopped while others are stopped
	}
	nt := p.newThread(tid, s)
	nt.newborn = true
	p.created = append(p.created, tid)
	if ws, ok := p.orphans[tid]; ok {
		delete(p.orphans, tid)
		return p.handle(r, tid, ws)
	}
	return nil
}

// releaseChild lets a forked child go: wait for its first stop, take our
// breakpoints out of its memory and detach it, so it runs to its own end
// untraced. A vfork child borrows the parent's memory until it execs or
// exits, so the breakpoints come out of the parent too until
// PTRACE_EVENT_VFORK_DONE. Monitor only.
func (p *Process) releaseChild(child int, vfork bool) error {
	ws, ok := p.orphans[child]
	delete(p.orphans, child)
	if !ok {
		_, w, err := wait4(child)
		if err != nil {
			return fmt.Errorf("first stop of forked child %d: %w", child, err)
		}
		ws = syscall.WaitStatus(w)
	}
	if !ws.Stopped() {
		return nil // it died before we saw it stop
	}
	if !p.vforkOut && len(p.bps) > 0 {
		if err := p.removeAll(child); err != nil {
			return err
		}
		p.vforkOut = vfork
	}
	if err := ptrace(unix.PTRACE_DETACH, child, 0, 0); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("release forked child: %w", err)
	}
	return nil
}

// handleExec handles a successful execve by any thread: the kernel has
// killed the other threads and given the exec'ing one the leader's id. The
// old program's breakpoints are gone with its memory. Monitor only.
func (p *Process) handleExec(r *run, t *thread) error {
	for _, o := range p.threads {
		if o.state.live() && o.tid != p.pid {
			p.exited = append(p.exited, o.tid)
		}
		p.setState(o, stateExited)
	}
	// The process id lives on in the exec'ing thread, even if the old
	// leader reported its PTRACE_EVENT_EXIT: to the caller, the thread that
	// left is the exec'ing thread's old id.
	p.exited = deleteTid(p.exited, p.pid)
	p.threads = map[int]*thread{}
	p.queue = nil
	p.bps = map[uint64]*breakpoint{}
	p.vforkOut = false
	nt := p.newThread(p.pid, stateRunning)
	p.setExe()
	return p.record(r, nt, tracer.StopEvent{Reason: tracer.StopExec, Tid: nt.tid})
}
