//go:build linux

// Package linux implements tracer.Launcher and tracer.Process with ptrace(2)
// on Linux x86-64, all-stop: whenever one thread stops for a reason the
// caller must see, every other thread is stopped too before the call returns.
//
// Goroutines and who may call what:
//
//   - Each Process owns one goroutine, the monitor, locked to its OS thread
//     for its whole life (runtime.LockOSThread, never unlocked, so the
//     runtime discards the thread when the goroutine ends). The kernel
//     accepts ptrace requests only from the thread that attached, and the
//     thread that forks a debuggee becomes its tracer, so the monitor forks
//     or attaches, and makes every ptrace request and every wait4. Functions
//     and methods whose comment says "Monitor only." must run there.
//   - Exported methods may be called from any goroutine, one at a time (the
//     tracer.Process contract). They hand the monitor a closure and wait for
//     it to finish (handoff.go: an unbuffered channel, optionally after a
//     short spin on atomics). Registers
//     cached for the current stop, and memory that process_vm_readv can
//     read, are served on the caller's goroutine without a hand-off.
//   - Go (async.go) starts a resume without a waiting caller: the monitor
//     runs the caller's resume function and then its handler, and while it
//     runs caller code, the Process methods that code calls run in place on
//     the monitor (onMonitor tells the monitor's thread from others, which
//     still get tracer.ErrRunning during the resume).
//   - Interrupt is the exception: any goroutine may call it at any moment,
//     including while another goroutine is blocked in Continue. It makes no
//     ptrace request; it sends SIGSTOP with tgkill(2) and records that an
//     interrupt is wanted, under a small mutex shared with the monitor.
//   - Methods that only read /proc (Pid, Threads, ThreadName, Executable,
//     Mappings) answer at any time from a snapshot or the file system.
//
// When the process exits, is killed or is detached, the monitor goroutine
// ends and every later call returns tracer.ErrExited (or an error saying
// the process was detached).
package linux
