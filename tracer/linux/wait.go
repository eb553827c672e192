//go:build linux

package linux

import (
	"errors"
	"fmt"
	"syscall"
	"time"

	"github.com/dapproc/dapproc/tracer"
	"golang.org/x/sys/unix"
)

// si_code values (include/uapi/asm-generic/siginfo.h).
const (
	siUser  = 0  // kill(2)
	siTkill = -6 // tkill(2), tgkill(2)
)

// run is one resume in progress: what runs, and the stop that ends it.
type run struct {
	// only is the one thread that runs (ContinueThread, StepInstruction,
	// a step-over); 0 means every thread runs, and threads born meanwhile
	// run too.
	only int
	// silentStep: the step of thread only is a step-over; its completion is
	// not an event.
	silentStep bool
	// step: thread only executes one instruction (a step-over or
	// StepInstruction), so its stop is microseconds away.
	step bool
	// stopping: a reportable event happened and the world is being stopped.
	stopping bool
	// first is the event the resume returns; later events stay pending.
	first *tracer.StopEvent
	// exited is set when the whole process is gone.
	exited *tracer.WaitStatus
}

// wait collects stops until no thread is running or stopping, or the
// process is gone. When every thread is exiting, the leader's exit status
// is still to come. Monitor only.
func (p *Process) wait(r *run) error {
	for r.exited == nil && (p.active > 0 || p.live == 0) {
		tid, ws, ok := 0, unix.WaitStatus(0), false
		if r.step {
			tid, ws, ok = pollWait(stepPollFor)
		}
		var err error
		if !ok {
			tid, ws, err = wait4(-1)
		}
		if err != nil {
			if errors.Is(err, syscall.ECHILD) {
				return fmt.Errorf("process %d: every thread vanished without an exit status: %w", p.pid, err)
			}
			return err
		}
		if err := p.handle(r, tid, syscall.WaitStatus(ws)); err != nil {
			return err
		}
	}
	return nil
}

// stepPollFor bounds how long wait polls for the stop of a single-step
// before it sleeps in wait4. Measured with dapbench, alternating builds at
// load 7-11 on 2 vCPUs (9 runs each): instruction steps median 2.1k/s
// without polling, 2.4k/s polling 30 µs, 4.0k/s polling 60 µs; breakpoint
// round trips (one step-over each) 1.1k/s without, 1.4k/s with 60 µs; the
// adapter's CPU per step fell from ~250 to ~150 µs, as a sleep and a
// wake-up cost more in this VM than the polling.
var stepPollFor = 60 * time.Microsecond

// pollWait polls wait4 with WNOHANG, yielding the CPU between polls (the
// tracee may need this very CPU to finish its step), for at most limit.
// A single-step ends within microseconds: catching its stop without
// sleeping saves the monitor a sleep and a wake-up. It reports false when
// nothing came, or on an error, which the blocking wait4 then reports.
func pollWait(limit time.Duration) (int, unix.WaitStatus, bool) {
	if limit <= 0 {
		return 0, 0, false
	}
	deadline := time.Now().Add(limit)
	for i := 0; ; i++ {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-1, &ws, unix.WNOHANG|unix.WALL|unix.WNOTHREAD, nil)
		if err == nil && pid > 0 {
			return pid, ws, true
		}
		if err != nil && err != unix.EINTR {
			return 0, 0, false
		}
		if i&3 == 3 && time.Now().After(deadline) {
			return 0, 0, false
		}
		unix.RawSyscall(unix.SYS_SCHED_YIELD, 0, 0, 0)
	}
}

// handle applies one wait status. Monitor only.
func (p *Process) handle(r *run, tid int, ws syscall.WaitStatus) error {
	t := p.threads[tid]
	if t == nil {
		if ws.Stopped() {
			// A clone or fork child whose first stop came before its
			// parent's PTRACE_EVENT_CLONE/FORK: keep it for that event.
			p.orphans[tid] = ws
		}
		return nil // exit of a thread we already forgot (after exec)
	}
	switch {
	case ws.Exited() || ws.Signaled():
		return p.handleExit(r, t, ws)
	case !ws.Stopped():
		return nil
	}
	sig := ws.StopSignal()
	switch {
	case sig == syscall.SIGTRAP && ws.TrapCause() > 0:
		return p.handleEvent(r, t, ws.TrapCause())
	case sig == syscall.SIGTRAP:
		return p.handleTrap(r, t)
	case sig == syscall.SIGSTOP:
		return p.handleSigstop(r, t)
	default:
		return p.handleSignal(r, t, sig)
	}
}

// quiet handles a stop the caller need not hear about: a thread that should
// be running goes on (delivering sig), otherwise it stays stopped with sig
// held. Monitor only.
func (p *Process) quiet(r *run, t *thread, sig syscall.Signal) error {
	if t.state == stateRunning && !r.stopping {
		if sig != 0 && r.silentStep {
			// Delivering it now would step into its handler instead of over
			// the breakpoint; it waits for the real resume.
			t.heldSig, sig = sig, 0
		}
		return p.restart(t, sig)
	}
	if sig != 0 {
		t.heldSig = sig
	}
	p.setState(t, stateStopped)
	return nil
}

// restart resumes t the way it last ran. Monitor only.
func (p *Process) restart(t *thread, sig syscall.Signal) error {
	t.regsValid = false
	t.xstate = nil
	var err error
	if t.stepping {
		err = ptraceStep(t.tid, sig)
	} else {
		err = ptraceCont(t.tid, sig)
	}
	if err != nil && errors.Is(err, syscall.ESRCH) {
		// Killed under us (SIGKILL, exit_group of another thread): its
		// exit status is on its way.
		return nil
	}
	return err
}

// record stops t for ev: the first event of a resume becomes its result and
// stops the world; later ones wait in the queue. Monitor only.
func (p *Process) record(r *run, t *thread, ev tracer.StopEvent) error {
	p.setState(t, stateStopped)
	if r.first == nil {
		r.first = &ev
		return p.stopWorld(r)
	}
	if ev.Reason == tracer.StopInterrupt {
		return nil // one answer to an interrupt is enough
	}
	t.pending = &ev
	p.queue = append(p.queue, t.tid)
	return nil
}

// stopWorld sends SIGSTOP to every running thread. Monitor only.
func (p *Process) stopWorld(r *run) error {
	r.stopping = true
	for _, t := range p.threads {
		if t.state != stateRunning {
			continue
		}
		if err := p.sendStop(t.tid); err != nil {
			return err
		}
		p.setState(t, stateStopping)
	}
	return nil
}

// handleTrap sorts a plain SIGTRAP: a completed single-step, one of our
// breakpoints, or a SIGTRAP of the program's own. Monitor only.
func (p *Process) handleTrap(r *run, t *thread) error {
	if t.stepping {
		t.stepping = false
		if r.silentStep && t.tid == r.only {
			p.setState(t, stateStopped)
			return nil
		}
		regs, err := p.regs(t)
		if err != nil {
			return err
		}
		if p.bps[regs.Rip] != nil {
			t.bpAddr = regs.Rip
		}
		return p.record(r, t, tracer.StopEvent{Reason: tracer.StopStep, Tid: t.tid, Addr: regs.Rip})
	}
	regs, err := p.regs(t)
	if err != nil {
		return err
	}
	// int3 leaves the PC one past itself: rewind it onto the breakpoint.
	// A SIGTRAP whose PC-1 is not ours (raise, the program's own int3) is
	// a signal like any other.
	addr := regs.Rip - 1
	if p.bps[addr] == nil {
		return p.handleSignal(r, t, syscall.SIGTRAP)
	}
	regs.Rip = addr
	if err := p.setRegs(t, regs); err != nil {
		return err
	}
	t.bpAddr = addr
	return p.record(r, t, tracer.StopEvent{Reason: tracer.StopBreakpoint, Tid: t.tid, Addr: addr})
}

// handleSigstop sorts SIGSTOPs: the kernel's first stop of a new or
// attached thread, ours (stop-the-world or Interrupt, sent with tgkill from
// this process), a group-stop, or one the program or someone else sent.
// Monitor only.
func (p *Process) handleSigstop(r *run, t *thread) error {
	if t.newborn {
		t.newborn = false
		return p.quiet(r, t, 0)
	}
	si, err := getSiginfo(t.tid)
	if err != nil {
		if errors.Is(err, syscall.EINVAL) {
			// Kernel quirk: without PTRACE_SEIZE a group-stop looks like a
			// SIGSTOP stop, and only PTRACE_GETSIGINFO failing with EINVAL
			// tells them apart. Restarting the thread ends its group-stop,
			// which is what a debugger resuming the program wants.
			return p.quiet(r, t, 0)
		}
		return err
	}
	if si.Code != siTkill || si.pid() != p.ourPid {
		return p.signalStop(r, t, syscall.SIGSTOP, &si)
	}
	if t.state == stateStopping || r.stopping {
		p.setState(t, stateStopped)
		return nil
	}
	p.imu.Lock()
	wanted := p.wanted
	p.imu.Unlock()
	if !wanted {
		// Stale: a SIGSTOP owed from an earlier stop of the world, or
		// an extra Interrupt. It was meant for a stop that is over.
		return p.quiet(r, t, 0)
	}
	return p.record(r, t, tracer.StopEvent{Reason: tracer.StopInterrupt, Tid: t.tid})
}

// handleSignal handles any other signal. Monitor only.
func (p *Process) handleSignal(r *run, t *thread, sig syscall.Signal) error {
	if !p.policy.stops(sig) {
		p.passed[sig]++
		return p.quiet(r, t, sig)
	}
	si, err := getSiginfo(t.tid)
	if err != nil {
		return err
	}
	return p.signalStop(r, t, sig, &si)
}

// signalStop reports sig and holds it for delivery on the next resume.
// Monitor only.
func (p *Process) signalStop(r *run, t *thread, sig syscall.Signal, si *siginfo) error {
	if !p.policy.stops(sig) {
		return p.quiet(r, t, sig)
	}
	t.heldSig = sig
	info := tracer.SignalInfo{Signal: sig, Code: si.Code}
	if si.isFault() {
		info.Addr = si.addr()
	} else if si.Code <= 0 || si.Code == siUser {
		// kill, tgkill, sigqueue: the union starts with the sender's pid.
		info.SenderPid = si.pid()
	}
	return p.record(r, t, tracer.StopEvent{Reason: tracer.StopSignal, Tid: t.tid, Signal: info})
}

// handleExit handles the exit status of a thread or of the whole process.
// Monitor only.
func (p *Process) handleExit(r *run, t *thread, ws syscall.WaitStatus) error {
	if t.state.live() {
		p.exited = append(p.exited, t.tid)
	}
	p.removeThread(t)
	if t.tid != p.pid {
		return p.retargetInterrupt(r, t.tid)
	}
	// The leader's status comes last: the process is gone.
	st := tracer.WaitStatus{Exited: ws.Exited(), ExitCode: ws.ExitStatus()}
	if ws.Signaled() {
		st.Signal = ws.Signal()
	}
	r.exited = &st
	return nil
}

// retargetInterrupt sends a new SIGSTOP if an Interrupt was aimed at a
// thread that left before it could stop. Monitor only.
func (p *Process) retargetInterrupt(r *run, gone int) error {
	p.imu.Lock()
	defer p.imu.Unlock()
	if !p.running || !p.wanted || r.stopping || p.intrTid != gone {
		return nil
	}
	for _, t := range p.threads {
		if t.state == stateRunning {
			p.intrTid = t.tid
			return p.sendStop(t.tid)
		}
	}
	return nil
}
