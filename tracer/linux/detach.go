//go:build linux

package linux

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/dapproc/dapproc/tracer"
	"golang.org/x/sys/unix"
)

// Detach removes every breakpoint, lets every thread run on with its held
// signal delivered, and releases the process. A launched process stays this
// process's child: whoever wants its exit status reaps it (os.FindProcess).
func (p *Process) Detach() error {
	var err error
	if e := p.do(func() { err = p.detach() }); e != nil {
		return e
	}
	return err
}

// Kill kills the process and reaps it and all its threads, so no zombie is
// left. Its stdout and stderr pipes reach EOF once drained.
func (p *Process) Kill() error {
	var err error
	if e := p.do(func() { err = p.kill() }); e != nil {
		return e
	}
	return err
}

// detach is Detach on the monitor. Monitor only.
func (p *Process) detach() error {
	t, err := p.anyStopped()
	if err != nil {
		return err
	}
	if !p.vforkOut {
		if err := p.removeAll(t.tid); err != nil {
			return err
		}
	}
	p.bps = map[uint64]*breakpoint{}
	var errs []error
	for _, t := range p.threads {
		if t.state != stateStopped {
			continue
		}
		if err := p.drainSigstop(t); err != nil {
			errs = append(errs, err)
			continue
		}
		if t.state != stateStopped {
			continue // it left while draining
		}
		if err := ptrace(unix.PTRACE_DETACH, t.tid, 0, uintptr(t.heldSig)); err != nil && !errors.Is(err, syscall.ESRCH) {
			errs = append(errs, err)
		}
	}
	p.finish(endState{detached: true})
	return errors.Join(errs...)
}

// drainSigstop lets t take the SIGSTOPs we sent and it has not taken yet
// (stop-the-world or Interrupt signals that lost the race against another
// stop). Detached with one still queued, the thread would stop the whole
// process for good the moment it ran. The kernel's pending set in
// /proc/PID/task/TID/status (SigPnd) says whether one is queued. The held
// signal is delivered on the way, as Detach promises. Monitor only.
func (p *Process) drainSigstop(t *thread) error {
	for sigstopPending(p.pid, t.tid) {
		sig := t.heldSig
		t.heldSig = 0
		if err := ptraceCont(t.tid, sig); err != nil {
			return fmt.Errorf("detach: %w", err)
		}
		_, ws, err := wait4(t.tid)
		if err != nil {
			return fmt.Errorf("detach: %w", err)
		}
		switch {
		case ws.Exited() || ws.Signaled():
			p.removeThread(t)
			return nil
		case ws.Stopped() && ws.StopSignal() == syscall.SIGSTOP:
		case ws.Stopped() && ws.StopSignal() == syscall.SIGTRAP && ws.TrapCause() == unix.PTRACE_EVENT_EXIT:
			p.setState(t, stateExiting)
			return ptraceCont(t.tid, 0)
		case ws.Stopped() && ws.StopSignal() != syscall.SIGTRAP:
			t.heldSig = ws.StopSignal()
		}
	}
	return nil
}

// sigstopPending reads the thread's pending-signal mask (SigPnd).
func sigstopPending(pid, tid int) bool {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/task/" + strconv.Itoa(tid) + "/status")
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "SigPnd:"); ok {
			mask, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			return err == nil && mask&(1<<(syscall.SIGSTOP-1)) != 0
		}
	}
	return false
}

// detachQuietly undoes a failed attach: every thread attached so far is
// released. Monitor only.
func (p *Process) detachQuietly() {
	for _, t := range p.threads {
		if t.state == stateStopped {
			ptrace(unix.PTRACE_DETACH, t.tid, 0, uintptr(t.heldSig))
		} else {
			// Not stopped yet: PTRACE_DETACH needs a stopped tracee, so
			// wait for its attach stop first.
			if _, ws, err := wait4(t.tid); err == nil && ws.Stopped() {
				ptrace(unix.PTRACE_DETACH, t.tid, 0, 0)
			}
		}
	}
	p.threads = map[int]*thread{}
}

// kill is Kill on the monitor: SIGKILL to the process, then every status
// reaped until the leader's, letting threads caught in a ptrace stop
// (PTRACE_EVENT_EXIT) go. Monitor only.
func (p *Process) kill() error {
	if err := syscall.Kill(p.pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("kill process %d: %w", p.pid, err)
	}
	for {
		tid, ws, err := wait4(-1)
		if err != nil {
			if errors.Is(err, syscall.ECHILD) {
				p.finish(endState{status: tracer.WaitStatus{Signal: syscall.SIGKILL}})
				return nil
			}
			return fmt.Errorf("kill process %d: %w", p.pid, err)
		}
		switch {
		case ws.Stopped():
			ptraceCont(tid, 0)
		case tid == p.pid:
			st := tracer.WaitStatus{Exited: ws.Exited(), ExitCode: ws.ExitStatus()}
			if ws.Signaled() {
				st.Signal = ws.Signal()
			}
			p.reapRest()
			p.finish(endState{status: st})
			return nil
		}
	}
}
