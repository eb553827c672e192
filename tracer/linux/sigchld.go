//go:build linux

package linux

import (
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Kernel quirk: every ptrace stop of a tracee sends SIGCHLD to the tracer's
// process (do_notify_parent_cldstop), besides waking the thread blocked in
// wait4. The Go runtime has a handler for SIGCHLD, so each stop also runs
// that handler on one of our threads: it interrupts the monitor's wait4
// (restarted) or wakes a sleeping thread, a wake-up we pay for at every
// breakpoint and every instruction step. SA_NOCLDSTOP on the handler tells
// the kernel not to send SIGCHLD for stops (ptrace stops included); exits
// still send it, and wait4 is woken either way.
var quietStops sync.Once

// saNoCldStop is SA_NOCLDSTOP (include/uapi/asm-generic/signal-defs.h).
const saNoCldStop = 0x1

// sigaction is the kernel's struct sigaction on x86-64 (rt_sigaction).
type sigaction struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}

// silenceStopSignals adds SA_NOCLDSTOP to the process's SIGCHLD action, once.
// It changes nothing else of the action the Go runtime installed.
func silenceStopSignals() {
	quietStops.Do(func() {
		var act sigaction
		if _, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(unix.SIGCHLD), 0, uintptr(unsafe.Pointer(&act)), 8, 0, 0); e != 0 {
			return
		}
		if act.handler == 0 || act.handler == 1 { // SIG_DFL, SIG_IGN: the runtime does not handle it
			return
		}
		act.flags |= saNoCldStop
		unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(unix.SIGCHLD), uintptr(unsafe.Pointer(&act)), 0, 8, 0, 0)
	})
}
