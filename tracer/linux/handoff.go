//go:build linux

package linux

import (
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// handoff carries closures from callers to the monitor and completions back.
//
// The blocking path is a futex for the monitor (next) and the unbuffered
// channel reply for a caller waiting for its closure. Waking a
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
	reply chan struct{} // completion for a parked caller; unbuffered

	mail          atomic.Pointer[task] // the next closure for the monitor
	monitorParked atomic.Uint32        // futex word: 1 while the monitor sleeps, or is about to, in futexWait
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
// finish. Callers are serialised by Process.callMu. It returns false if
// the monitor has ended.
func (h *handoff) post(t *task, done <-chan struct{}) bool {
	select {
	case <-done:
		return false
	default:
	}
	target := h.completed.Load() + 1
	h.mail.Store(t)
	if h.monitorParked.CompareAndSwap(1, 0) {
		futexWake(&h.monitorParked)
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
// sleeping in futexWait. Monitor only.
//
// The monitor sleeps on a futex of its own rather than on a channel: the
// poster's futex wake-up reaches the monitor's thread directly. A channel
// send would make the Go scheduler wake an idle thread first, only for it
// to hand its P to the locked monitor thread (two wake-ups instead of one,
// seen in perf sched traces of the DAP loop), and the monitor's park would
// hand its P on again.
func (h *handoff) next() *task {
	var t *task
	if spin(func() bool { return h.mail.Load() != nil && func() bool { t = h.mail.Swap(nil); return t != nil }() }) {
		return t
	}
	for {
		h.monitorParked.Store(1)
		if t = h.mail.Swap(nil); t != nil {
			h.monitorParked.Store(0)
			return t
		}
		futexWait(&h.monitorParked, 1)
	}
}

// futex(2) operations (include/uapi/linux/futex.h): FUTEX_WAIT and
// FUTEX_WAKE with FUTEX_PRIVATE_FLAG.
const (
	futexWaitPrivate = 0 | 128
	futexWakePrivate = 1 | 128
)

// futexWait sleeps while *addr is val (FUTEX_WAIT_PRIVATE). It may return
// early (a signal, a spurious wake-up): callers check and wait again. As a
// blocking system call it lets the Go scheduler use our P meanwhile.
func futexWait(addr *atomic.Uint32, val uint32) {
	unix.Syscall6(unix.SYS_FUTEX, uintptr(unsafe.Pointer(addr)), futexWaitPrivate, uintptr(val), 0, 0, 0)
}

// futexWake wakes the thread sleeping in futexWait on addr, if any.
func futexWake(addr *atomic.Uint32) {
	unix.RawSyscall6(unix.SYS_FUTEX, uintptr(unsafe.Pointer(addr)), futexWakePrivate, 1, 0, 0, 0)
}

// finish reports a closure done to its caller. Monitor only.
func (h *handoff) finish() {
	h.completed.Add(1)
	if h.callerParked.Swap(false) {
		h.reply <- struct{}{}
	}
}
