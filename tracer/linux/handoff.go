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
// at 15-130 µs, as much as the whole ptrace breakpoint cycle. Each side can
// first spin for a short while (spinFor) on atomics: the monitor, after
// finishing a closure, watches for the next one; a caller watches for its
// completion. The wake-up protocol is Dekker's: each side stores its own
// flag, then loads the other's (sequentially consistent atomics), so at
// least one of them notices the other and nothing is lost.
//
// Spinning is off by default: it wins the tracer's own benchmarks, where the
// caller does nothing but call, and loses the whole DAP loop, where the
// spinning threads take the CPU that the client and the debuggee need on a
// 2-CPU machine (dapbench: instruction steps 1.3k/s with 200 µs of spinning,
// 2.7k/s without; adapter CPU per step 700 µs against 230 µs). Resumes of
// the DAP loop go through Process.Go, which needs no completion hand-off.
type handoff struct {
	reqs  chan *task    // closures for a parked monitor; unbuffered
	reply chan struct{} // completion for a parked caller; unbuffered

	mail          atomic.Pointer[task] // closure for a spinning monitor
	monitorParked atomic.Bool          // the monitor sleeps, or is about to, on reqs
	completed     atomic.Uint64        // closures finished
	callerParked  atomic.Bool          // the caller sleeps, or is about to, on reply
}

// task is one closure for the monitor. The caller of an async task (Go)
// does not wait for it, so its end is not counted as a completion.
type task struct {
	f     func()
	async bool
}

// spinFor bounds each side's spinning before it sleeps on its channel;
// zero turns spinning off (the default; the benchmarks compare both).
var spinFor time.Duration

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

// post hands t to the monitor and, unless t is async, waits for it to
// finish. Callers are serialised by Process.callMu.
func (h *handoff) post(t *task, done <-chan struct{}) bool {
	target := h.completed.Load() + 1
	h.mail.Store(t)
	if h.monitorParked.Load() && h.mail.CompareAndSwap(t, nil) {
		// The monitor sleeps (or is about to) and has not taken the mail.
		select {
		case h.reqs <- t:
		case <-done:
			return false
		}
	}
	if t.async {
		return true
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
// sleeping on reqs. Monitor only.
func (h *handoff) next() *task {
	var t *task
	if spin(func() bool { return h.mail.Load() != nil && func() bool { t = h.mail.Swap(nil); return t != nil }() }) {
		return t
	}
	h.monitorParked.Store(true)
	if t = h.mail.Swap(nil); t != nil {
		h.monitorParked.Store(false)
		return t
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
