// Package tracer defines the platform-neutral contract between the debugging
// session and an operating-system tracer: launching or attaching to a process,
// resuming it, and the stop events it reports. It makes no system calls; the
// Linux implementation lives in tracer/linux.
//
// Concurrency: a Process is driven by one goroutine at a time. Continue,
// ContinueThread and StepInstruction block until every thread of the process
// is stopped again (all-stop) and return one StopEvent. Interrupt is the only
// method that any goroutine may call at any time, including while another
// goroutine is blocked in Continue; it is safe to call repeatedly. Every other
// method requires the process to be stopped and returns ErrRunning otherwise.
package tracer

import (
	"errors"
	"fmt"
	"io"
	"syscall"
)

// ErrRunning is returned by a method that needs the process stopped while a
// Continue or StepInstruction is in progress on another goroutine.
var ErrRunning = errors.New("process is running")

// ErrExited reports that the process has exited (or was killed) and can no
// longer be controlled.
type ErrExited struct {
	Pid    int
	Status WaitStatus
}

func (e ErrExited) Error() string {
	return fmt.Sprintf("process %d has %s", e.Pid, e.Status)
}

// ErrNoThread reports a thread id that the process does not have (any more).
type ErrNoThread struct {
	Pid, Tid int
}

func (e ErrNoThread) Error() string {
	return fmt.Sprintf("process %d has no thread %d", e.Pid, e.Tid)
}

// WaitStatus describes how a process ended.
type WaitStatus struct {
	// Exited is true for a normal exit with ExitCode; otherwise the process
	// was killed by Signal.
	Exited   bool
	ExitCode int
	Signal   syscall.Signal
}

func (w WaitStatus) String() string {
	if w.Exited {
		return fmt.Sprintf("exited with code %d", w.ExitCode)
	}
	return fmt.Sprintf("been killed by %v", w.Signal)
}

// StopReason says why the process stopped.
type StopReason int

// The reasons a process stops.
const (
	// StopEntry: the process is stopped at its first instruction after
	// launch (before any of its code, including the dynamic linker, ran),
	// or at the point where attach caught it.
	StopEntry StopReason = iota + 1
	// StopBreakpoint: thread Tid executed a software breakpoint set with
	// SetBreakpoint at Addr; its PC has been rewound to Addr.
	StopBreakpoint
	// StopStep: a StepInstruction of thread Tid completed.
	StopStep
	// StopSignal: thread Tid received Signal. The signal is held and is
	// delivered on the next resume unless DiscardSignal is called.
	StopSignal
	// StopInterrupt: Interrupt stopped the process.
	StopInterrupt
	// StopExec: thread Tid executed a new program image (execve). All
	// breakpoints are gone with the old image and have been forgotten.
	StopExec
	// StopExited: the process exited or was killed; Status says how. The
	// process cannot be resumed.
	StopExited
)

var stopReasonNames = [...]string{
	StopEntry:      "entry",
	StopBreakpoint: "breakpoint",
	StopStep:       "step",
	StopSignal:     "signal",
	StopInterrupt:  "interrupt",
	StopExec:       "exec",
	StopExited:     "exited",
}

func (r StopReason) String() string {
	if r > 0 && int(r) < len(stopReasonNames) {
		return stopReasonNames[r]
	}
	return fmt.Sprintf("StopReason(%d)", int(r))
}

// SignalInfo is the part of the kernel's siginfo that a user needs to know
// what happened.
type SignalInfo struct {
	Signal syscall.Signal
	// Code is siginfo.si_code (for example SEGV_MAPERR, SI_USER).
	Code int32
	// Addr is the fault address for SIGSEGV, SIGBUS, SIGILL, SIGFPE and
	// SIGTRAP; zero otherwise.
	Addr uint64
	// SenderPid is the sending process for signals sent with kill/tgkill.
	SenderPid int
}

// StopEvent is what a resume returns once every thread is stopped again.
type StopEvent struct {
	Reason StopReason
	// Tid is the thread the stop is about (the focus thread). For
	// StopInterrupt it is the first thread that reported; for StopExited it
	// is the process id.
	Tid int
	// Addr is the breakpoint address for StopBreakpoint and the new PC for
	// StopStep.
	Addr uint64
	// Signal is set for StopSignal.
	Signal SignalInfo
	// Status is set for StopExited.
	Status WaitStatus
	// ThreadsCreated and ThreadsExited list the thread ids that appeared
	// and disappeared since the previous stop event, in the order the
	// kernel reported them.
	ThreadsCreated, ThreadsExited []int
}

// Regs is the general-purpose register file of one x86-64 thread, in the
// layout of the kernel's struct user_regs_struct.
type Regs struct {
	R15, R14, R13, R12, Rbp, Rbx, R11, R10, R9, R8    uint64
	Rax, Rcx, Rdx, Rsi, Rdi, OrigRax, Rip, Cs, Eflags uint64
	Rsp, Ss, FsBase, GsBase, Ds, Es, Fs, Gs           uint64
}

// PC returns the program counter.
func (r *Regs) PC() uint64 { return r.Rip }

// SP returns the stack pointer.
func (r *Regs) SP() uint64 { return r.Rsp }

// SetPC sets the program counter.
func (r *Regs) SetPC(pc uint64) { r.Rip = pc }

// LaunchConfig describes a program to start under the tracer.
type LaunchConfig struct {
	// Program is the path of the executable. It is resolved like exec(3)
	// does: a name without a slash is searched in PATH.
	Program string
	// Args are the arguments after argv[0] (which is Program).
	Args []string
	// Env is the complete environment as "KEY=VALUE"; nil means the
	// tracer's own environment.
	Env []string
	// Dir is the working directory; empty means the tracer's own.
	Dir string
	// InheritOutput makes the debuggee write to the tracer's own stdout
	// and stderr. Otherwise both go to pipes that Stdout and Stderr return.
	InheritOutput bool
	// Stdin is the file the debuggee reads as standard input; nil means
	// /dev/null (the tracer's stdin may carry the DAP stream).
	Stdin io.Reader
}

// Launcher starts or attaches to processes. cmd/dapproc hands the Linux
// implementation to the session; tests may hand a scripted one.
type Launcher interface {
	// Launch starts cfg.Program stopped at its first instruction. The
	// returned process has reported no event yet; the first Continue runs
	// the program.
	Launch(cfg LaunchConfig) (Process, error)
	// Attach stops every thread of the running process pid and takes
	// control of it.
	Attach(pid int) (Process, error)
}

// Mapping is one line of the process's memory map.
type Mapping struct {
	Start, End uint64
	// Perms is the permission string as in /proc/PID/maps ("r-xp").
	Perms string
	// Offset is the file offset mapped at Start.
	Offset uint64
	// Path is the mapped file, or a pseudo-name such as "[stack]", or "".
	Path string
}

// Process is a traced process. See the package comment for which goroutine may
// call what.
type Process interface {
	// Pid returns the process id.
	Pid() int
	// Threads returns the ids of the live threads, ascending.
	Threads() []int
	// ThreadName returns the thread's name (its comm), or "" if unknown.
	ThreadName(tid int) string
	// Executable returns the path of the running program image.
	Executable() string
	// Mappings returns the current memory map.
	Mappings() ([]Mapping, error)

	// Continue resumes every thread and blocks until the process stops
	// again. A breakpoint hit held back from an earlier stop is reported
	// first, without running anything.
	Continue() (StopEvent, error)
	// ContinueThread resumes only thread tid; the others stay stopped.
	ContinueThread(tid int) (StopEvent, error)
	// StepInstruction executes one instruction of thread tid while the
	// others stay stopped. Stepping onto or off a breakpoint address works
	// as if the breakpoint were not there (a step that lands on one
	// reports StopStep, not StopBreakpoint).
	StepInstruction(tid int) (StopEvent, error)
	// Interrupt asks a running process to stop; the blocked resume call
	// returns StopInterrupt (or an event that happened first). Any
	// goroutine may call it at any time; extra calls are harmless.
	Interrupt() error
	// DiscardSignal drops the signal held for thread tid, so the next
	// resume does not deliver it.
	DiscardSignal(tid int) error

	// Regs returns thread tid's registers, cached until the next resume.
	Regs(tid int) (Regs, error)
	// SetRegs writes thread tid's registers.
	SetRegs(tid int, regs Regs) error
	// XState returns thread tid's extended register state: the XSAVE area
	// (x87, SSE, AVX) as the kernel's NT_X86_XSTATE regset lays it out.
	XState(tid int) ([]byte, error)

	// ReadMemory reads len(buf) bytes at addr. Bytes under breakpoints set
	// by SetBreakpoint read as the original program bytes. On a partly
	// unmapped range it returns the count read before the hole and an
	// error.
	ReadMemory(addr uint64, buf []byte) (int, error)
	// WriteMemory writes data at addr, including into read-only text.
	// Writing over a breakpoint updates the saved original bytes.
	WriteMemory(addr uint64, data []byte) error

	// SetBreakpoint inserts a software breakpoint at addr. Setting one
	// that exists is a no-op (callers keep their own reference counts).
	SetBreakpoint(addr uint64) error
	// ClearBreakpoint removes the breakpoint at addr and restores the
	// original bytes.
	ClearBreakpoint(addr uint64) error

	// Stdout and Stderr return the debuggee's output pipes, or nil when
	// the output is inherited or the process was attached. They reach EOF
	// when every writer (the process and any children it gave them to)
	// has closed them.
	Stdout() io.Reader
	Stderr() io.Reader

	// Detach removes every breakpoint, lets every thread run on with any
	// held signal delivered, and releases the process.
	Detach() error
	// Kill kills the process and reaps it and all its threads.
	Kill() error
}

// SignalFilter is implemented by processes that can pass a signal to the
// program without stopping (tracer/linux does). A session asserts it to
// apply the user's exception filters inside the tracer, so signals that the
// user does not want to see cost no stop at all. By default every signal
// stops except the ones programs use as routine machinery (SIGCHLD,
// SIGWINCH, SIGURG, SIGPROF, SIGALRM, SIGVTALRM, SIGIO, SIGPWR).
type SignalFilter interface {
	// SetSignalStop chooses whether sig stops the process (StopSignal) or
	// is delivered without a stop. The process must be stopped.
	SetSignalStop(sig syscall.Signal, stop bool) error
}
