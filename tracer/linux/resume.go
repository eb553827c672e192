//go:build linux

package linux

import (
	"fmt"
	"slices"

	"github.com/dapproc/dapproc/tracer"
	"golang.org/x/sys/unix"
)

// Continue resumes every thread and blocks until the process stops again.
// A stop held back from an earlier resume is reported first, without
// running anything.
func (p *Process) Continue() (tracer.StopEvent, error) {
	return p.resume(0, false)
}

// ContinueThread resumes only thread tid; the others stay stopped. Threads
// it creates stay stopped too.
func (p *Process) ContinueThread(tid int) (tracer.StopEvent, error) {
	return p.resume(tid, false)
}

// StepInstruction executes one instruction of thread tid while the others
// stay stopped. A step onto a breakpoint reports StopStep; a step from one
// executes the original instruction. A stop of tid held back from an
// earlier resume is reported first instead.
func (p *Process) StepInstruction(tid int) (tracer.StopEvent, error) {
	return p.resume(tid, true)
}

// DiscardSignal drops the signal held for thread tid.
func (p *Process) DiscardSignal(tid int) error {
	var err error
	if e := p.do(func() {
		var t *thread
		if t, err = p.thread(tid); err == nil {
			t.heldSig = 0
		}
	}); e != nil {
		return e
	}
	return err
}

func (p *Process) resume(only int, step bool) (tracer.StopEvent, error) {
	if p.onMonitor() {
		// A Go call on the monitor (it holds resuming already).
		if err := p.goneErr(); err != nil {
			return tracer.StopEvent{}, err
		}
		return p.resumeOnMonitor(only, step)
	}
	if !p.resuming.CompareAndSwap(false, true) {
		return tracer.StopEvent{}, tracer.ErrRunning
	}
	defer p.resuming.Store(false)
	var ev tracer.StopEvent
	var err error
	if e := p.call(func() { ev, err = p.resumeOnMonitor(only, step) }); e != nil {
		return ev, e
	}
	return ev, err
}

// resumeOnMonitor is the body of every resume. Monitor only.
func (p *Process) resumeOnMonitor(only int, step bool) (tracer.StopEvent, error) {
	if only != 0 {
		if _, err := p.thread(only); err != nil {
			return tracer.StopEvent{}, err
		}
	}
	if ev, ok := p.takePending(only); ok {
		return p.deliver(ev), nil
	}
	r := &run{only: only, step: step && only != 0}
	err := p.runThreads(r, step)
	p.imu.Lock()
	p.running = false
	p.wanted = false
	p.imu.Unlock()
	if err != nil {
		p.publish()
		return tracer.StopEvent{}, err
	}
	if r.exited != nil {
		p.reapRest()
		ev := tracer.StopEvent{Reason: tracer.StopExited, Tid: p.pid, Status: *r.exited}
		ev = p.deliver(ev)
		p.finish(endState{status: *r.exited})
		return ev, nil
	}
	if r.first == nil {
		// The thread that ran alone left (ContinueThread or step of a thread
		// that exited); the others were stopped all along.
		ev := tracer.StopEvent{Reason: tracer.StopInterrupt, Tid: p.firstLive()}
		return p.deliver(ev), nil
	}
	return p.deliver(*r.first), nil
}

// takePending pops the oldest unreported stop (of thread only, if set).
// Monitor only.
func (p *Process) takePending(only int) (tracer.StopEvent, bool) {
	for i := 0; i < len(p.queue); i++ {
		tid := p.queue[i]
		if only != 0 && tid != only {
			continue
		}
		p.queue = slices.Delete(p.queue, i, i+1)
		i--
		t := p.threads[tid]
		if t == nil || t.pending == nil {
			continue // the thread left, or its hit was cleared
		}
		ev := *t.pending
		t.pending = nil
		return ev, true
	}
	return tracer.StopEvent{}, false
}

// deliver completes ev with the thread changes since the last stop and
// publishes the thread list. Monitor only.
func (p *Process) deliver(ev tracer.StopEvent) tracer.StopEvent {
	if len(p.created) > 0 || len(p.exited) > 0 {
		ev.ThreadsCreated, ev.ThreadsExited = p.created, p.exited
		p.created, p.exited = nil, nil
		p.publish()
	}
	return ev
}

func (p *Process) firstLive() int {
	if tids := p.liveTids(); len(tids) > 0 {
		return tids[0]
	}
	return p.pid
}

// runThreads steps the threads that will run off their breakpoints, starts
// them, and waits for the stop. Monitor only.
func (p *Process) runThreads(r *run, step bool) error {
	runners := p.runners(r.only)
	for _, t := range runners {
		if t.bpAddr == 0 || p.bps[t.bpAddr] == nil {
			continue
		}
		if err := p.stepOver(r, t, step); err != nil {
			return err
		}
		if r.first != nil || r.exited != nil {
			return nil // the step-over was the whole step, or hit something
		}
	}
	p.imu.Lock()
	for _, t := range runners {
		if t.state != stateStopped {
			continue
		}
		t.stepping = step
		sig := t.heldSig
		t.heldSig = 0
		p.setState(t, stateRunning)
		if err := p.restart(t, sig); err != nil {
			p.imu.Unlock()
			return err
		}
		p.intrTid = t.tid
	}
	p.running = true
	if p.wanted {
		if err := p.sendStop(p.intrTid); err != nil {
			p.imu.Unlock()
			return err
		}
	}
	p.imu.Unlock()
	return p.wait(r)
}

// runners lists the threads a resume starts. Monitor only.
func (p *Process) runners(only int) []*thread {
	if only != 0 {
		return []*thread{p.threads[only]}
	}
	ts := make([]*thread, 0, len(p.threads))
	for _, t := range p.threads {
		if t.state == stateStopped {
			ts = append(ts, t)
		}
	}
	return ts
}

// stepOver moves t past the breakpoint its PC stands on while every other
// thread stays stopped: original byte back, one single-step, int3 again.
// The held signal waits for the real resume, so a handler does not run
// before the instruction and hit the breakpoint a second time. If report,
// the step is the caller's StepInstruction and its end is an event.
// Monitor only.
func (p *Process) stepOver(r *run, t *thread, report bool) error {
	bp := p.bps[t.bpAddr]
	if err := pokeWord(t.tid, bp.wordAddr, bp.without); err != nil {
		return fmt.Errorf("step over breakpoint at %#x: %w", bp.addr, err)
	}
	sr := &run{only: t.tid, silentStep: !report, step: true}
	held := t.heldSig
	t.heldSig = 0
	t.stepping = true
	p.setState(t, stateRunning)
	err := ptraceStep(t.tid, 0)
	if err == nil {
		err = p.wait(sr)
	}
	if held != 0 && t.heldSig == 0 {
		t.heldSig = held
	}
	t.stepping = false
	// The step may have ended the process or replaced its image (exec):
	// then the breakpoint is gone with the memory.
	if sr.exited == nil && p.bps[bp.addr] == bp && !p.vforkOut {
		tid := t.tid
		if !t.state.live() { // it left during the step
			if o, oerr := p.anyStopped(); oerr == nil {
				tid = o.tid
			}
		}
		if perr := pokeWord(tid, bp.wordAddr, bp.withTrap); perr != nil && err == nil {
			err = fmt.Errorf("re-insert breakpoint at %#x: %w", bp.addr, perr)
		}
	}
	if err != nil {
		return err
	}
	r.first, r.exited = sr.first, sr.exited
	if r.first != nil && !report && r.first.Reason == tracer.StopStep {
		r.first = nil
	}
	return nil
}

// reapRest collects the statuses still owed after the leader's exit status
// (there should be none: the kernel reports the leader last). Monitor only.
func (p *Process) reapRest() {
	for {
		if _, _, err := wait4Nohang(); err != nil {
			return
		}
	}
}

// wait4Nohang reaps one status if one is ready; it fails when none is.
func wait4Nohang() (int, unix.WaitStatus, error) {
	var ws unix.WaitStatus
	pid, err := unix.Wait4(-1, &ws, unix.WNOHANG|unix.WALL|unix.WNOTHREAD, nil)
	if err == nil && pid <= 0 {
		err = unix.ECHILD
	}
	return pid, ws, err
}
