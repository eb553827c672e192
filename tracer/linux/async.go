//go:build linux

package linux

import (
	"fmt"
	"runtime/debug"

	"github.com/dapproc/dapproc/tracer"
)

// Go starts a resume without blocking the caller: the monitor runs
// call(p), in which Continue, ContinueThread and StepInstruction (and any
// other method) run in place on the monitor, and then offers the result to
// handle, still on the monitor with every method of p available in place.
// If handle returns false (its owner is busy and cannot take the result
// here), the monitor hands the result to post instead, after it stopped
// running code for the caller; post must not block.
//
// It saves the thread hand-offs of a goroutine blocked in Continue: the
// caller does not wait, and the stop can be reported by the thread that saw
// it (each wake-up of another thread costs tens of µs on a small VM).
//
// While call runs, p is resuming as during Continue: other goroutines get
// tracer.ErrRunning, and Interrupt works. handle may start the next resume
// with Go; that one runs as soon as handle returns. A panic in call is
// reported as its error.
func (p *Process) Go(call func(tracer.Process) (tracer.StopEvent, error), handle func(tracer.StopEvent, error) bool, post func(tracer.StopEvent, error)) error {
	if err := p.goneErr(); err != nil {
		return err
	}
	if !p.resuming.CompareAndSwap(false, true) {
		return tracer.ErrRunning
	}
	t := &task{async: true}
	t.f = func() {
		ev, err := p.runInline(call)
		p.resuming.Store(false)
		p.inline.Store(true)
		handled := handle(ev, err)
		p.inline.Store(false)
		if !handled {
			post(ev, err)
		}
	}
	if p.onMonitor() {
		// Started from handle: the monitor runs it next.
		p.again = t
		return nil
	}
	p.callMu.Lock()
	defer p.callMu.Unlock()
	if err := p.goneErr(); err != nil {
		p.resuming.Store(false)
		return err
	}
	if !p.h.post(t, p.done) {
		p.resuming.Store(false)
		return p.goneErr()
	}
	return nil
}

// runInline runs call with the monitor's calls in place. Monitor only.
func (p *Process) runInline(call func(tracer.Process) (tracer.StopEvent, error)) (ev tracer.StopEvent, err error) {
	p.inline.Store(true)
	defer func() {
		p.inline.Store(false)
		if v := recover(); v != nil {
			err = fmt.Errorf("internal error in the tracer: %v\n%s", v, debug.Stack())
		}
	}()
	return call(p)
}
