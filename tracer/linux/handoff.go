//go:build linux

package linux

import (
	"golang.org/x/sys/unix"
	"sync/atomic"
	"time"
)

// handoff carries closures from callers to the monitor and completions back.
//
// The blocking path is the unbuffered channels reqs and reply. Waking a
// goroutine locked to its OS thread costs a futex wake-up and a context
// switch on each side; on a loaded 2-CPU VM we measured a locked ping-pong
// at 15-130 µs, as much as the whole ptrace breakpoint cycle. So each side
// first spins for a short while (spinFor) on atomics: the monitor, after
// finishing a closure, watches for the next one; a caller watches for its
// completion. In a tight loop of resumes (conditional breakpoints, stepping)
// neither side sleeps; an idle debugger costs at most spinFor of CPU per
// call. The wake-up protocol is Dekker's: each side stores its own flag,
// then loads the other's (sequentially consistent atomics), so at least one
// of them notices the other and nothing is lost.
type handoff struct {
	reqs  chan func()   // closures for a parked monitor; unbuffered
	reply chan struct{} // completion for a parked caller; unbuffered

	mail          atomic.Pointer[func()] // closure for a spinning monitor
	monitorParked atomic.Bool            // the monitor sleeps, or is about to, on reqs
	completed     atomic.Uint64          // closures finished
	callerParked  atomic.Bool            // the caller sleeps, or is about to, on reply
}

// spinFor bounds each side's spinning before it sleeps on its channel;
// zero turns spinning off (the benchmarks compare both).
var spinFor = 200 * time.Microsecond

// spin calls ready until it reports true or spinFor has passed. Between
// calls it gives the CPU to any other runnable thread with sched_yield (the
// debuggee or the other side of the hand-off may be waiting for this CPU)
// without going to sleep. Not runtime.Gosched: that puts the goroutine on
// the global run queue and wakes idle threads with futex calls, the very
// cost the spin avoids (profiled).
func spin(ready func() bool) bool {
	if spinFor == 0 {
		return ready()
	}
	deadline := time.Now().Add(spinFor)
	for i := 0; ; i++ {
		if ready() {
			return true
		}
		if i&15 == 15 && time.Now().After(deadline) {
			return false
		}
		unix.RawSyscall(unix.SYS_SCHED_YIELD, 0, 0, 0)
	}
}

// post hands f to the monitor and waits for it to finish. Callers are
// serialised by Process.callMu.
func (h *handoff) post(f *func(), done <-chan struct{}) bool {
	target := h.completed.Load() + 1
	h.mail.Store(f)
	if h.monitorParked.Load() && h.mail.CompareAndSwap(f, nil) {
		// The monitor sleeps (or is about to) and has not taken the mail.
		select {
		case h.reqs <- *f:
		case <-done:
			return false
		}
	}
	if spin(func() bool { return h.completed.Load() >= target }) {
		return true
	}
	h.callerParked.Store(true)
	if h.completed.Load() >= target && h.callerParked.CompareAndSwap(true, false) {
		return true
	}
	<-h.reply // the monitor saw callerParked and sends
	return true
}

// next returns the next closure for the monitor, spinning first, then
// sleeping on reqs. It returns nil when stop is closed. Monitor only.
func (h *handoff) next() func() {
	var f *func()
	if spin(func() bool { return h.mail.Load() != nil && func() bool { f = h.mail.Swap(nil); return f != nil }() }) {
		return *f
	}
	h.monitorParked.Store(true)
	if f = h.mail.Swap(nil); f != nil {
		h.monitorParked.Store(false)
		return *f
	}
	g := <-h.reqs
	h.monitorParked.Store(false)
	return g
}

// finish reports a closure done to its caller. Monitor only.
func (h *handoff) finish() {
	h.completed.Add(1)
	if h.callerParked.Swap(false) {
		h.reply <- struct{}{}
	}
}
