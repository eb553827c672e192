//go:build linux

package linux

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/dapproc/dapproc/tracer"
	"golang.org/x/sys/unix"
)

// Process is a process traced with ptrace. It implements tracer.Process; the
// package comment says which goroutine may call what.
type Process struct {
	pid      int
	launched bool // we forked it (PTRACE_O_EXITKILL); false when attached
	stdout   *os.File
	stderr   *os.File

	h    handoff       // closures to the monitor, completions back
	done chan struct{} // closed when the monitor goroutine ends

	// inline: the monitor runs a caller's code (a Go call or its
	// delivery), so calls made on the monitor's thread run in place (see
	// onMonitor). Written by the monitor only.
	inline     atomic.Bool
	monitorTid int   // the monitor's OS thread; set before start returns
	again      *task // Monitor only: an async task started inline, run next

	callMu   sync.Mutex  // one exported call at a time reaches the monitor
	resuming atomic.Bool // a Continue, ContinueThread or StepInstruction is running
	end      atomic.Pointer[endState]

	// Interrupt state, shared between Interrupt (any goroutine) and the
	// monitor. running: a resume has threads running and intrTid is one of
	// them. wanted: an interrupt was asked for and not yet answered.
	imu      sync.Mutex
	running  bool
	wanted   bool
	intrTid  int
	snapshot []int  // live thread ids, ascending, as of the last stop
	exe      string // running program image, as of the last stop

	// Monitor only.
	threads  map[int]*thread
	active   int // threads in stateRunning or stateStopping
	live     int // threads neither exiting nor exited
	orphans  map[int]syscall.WaitStatus
	bps      map[uint64]*breakpoint
	queue    []int // tids with a pending event, in the order they stopped
	created  []int
	exited   []int
	policy   signalPolicy
	passed   [65]int // signals delivered without a stop, by number
	vforkOut bool    // breakpoints are out of memory while a vfork child borrows it
	ourPid   int
}

// endState is how the process ended for us.
type endState struct {
	status   tracer.WaitStatus
	detached bool
}

func newProcess(launched bool) *Process {
	silenceStopSignals()
	p := &Process{
		launched: launched,
		h:        handoff{reply: make(chan struct{})},
		done:     make(chan struct{}),
		threads:  map[int]*thread{},
		orphans:  map[int]syscall.WaitStatus{},
		bps:      map[uint64]*breakpoint{},
		ourPid:   os.Getpid(),
	}
	p.policy.setDefaults()
	return p
}

// start runs the monitor goroutine: it locks itself to its OS thread, runs
// begin (which forks or attaches, so this thread becomes the tracer), then
// serves closures until the process is gone. The thread is never unlocked,
// so the runtime destroys it when the goroutine returns.
func (p *Process) start(begin func() error) error {
	started := make(chan error)
	go func() {
		runtime.LockOSThread()
		p.monitorTid = unix.Gettid()
		err := begin()
		started <- err
		if err != nil {
			close(p.done)
			return
		}
		for {
			t := p.again
			p.again = nil
			if t == nil {
				t = p.h.next()
			}
			t.f()
			// An async resume started by the delivery of the last one runs
			// even after the end: it reports the end to its owner.
			gone := p.end.Load() != nil && p.again == nil
			if gone {
				close(p.done)
			}
			if !t.async {
				p.h.finish()
			}
			if gone {
				return
			}
		}
	}()
	return <-started
}

// do runs f on the monitor and waits for it. It fails with ErrRunning while a
// resume is in progress on another goroutine, and with ErrExited once the
// process is gone.
func (p *Process) do(f func()) error {
	if p.onMonitor() {
		return p.call(f)
	}
	if p.resuming.Load() {
		return tracer.ErrRunning
	}
	return p.call(f)
}

// stopped runs f on the calling goroutine, under callMu, if the process is
// stopped and no call is in flight: then the monitor is idle, blocked on
// its channel, and the state it owns can be read here (the channel hand-off
// of the last call orders the monitor's writes before these reads). It
// returns false, without running f, when the caller must go through do.
// f must not make ptrace requests and must not write monitor state.
func (p *Process) stopped(f func()) (ran bool) {
	if p.onMonitor() {
		if p.end.Load() != nil {
			return false
		}
		f()
		return true
	}
	if p.resuming.Load() {
		return false
	}
	p.callMu.Lock()
	defer p.callMu.Unlock()
	if p.resuming.Load() || p.end.Load() != nil {
		return false
	}
	f()
	return true
}

func (p *Process) call(f func()) error {
	if p.onMonitor() {
		// The monitor runs a Go call or its delivery (async.go): the
		// caller is the monitor itself.
		if err := p.goneErr(); err != nil {
			return err
		}
		f()
		return nil
	}
	p.callMu.Lock()
	defer p.callMu.Unlock()
	if err := p.goneErr(); err != nil {
		return err
	}
	if !p.h.post(&task{f: f}, p.done) {
		return p.goneErr()
	}
	return nil
}

// onMonitor reports whether the caller is the monitor running a caller's
// code (async.go). Other goroutines may see inline set, so the thread
// decides: only the monitor's goroutine runs on the monitor's locked thread.
func (p *Process) onMonitor() bool {
	return p.inline.Load() && unix.Gettid() == p.monitorTid
}

// errDetached is returned by every call after Detach.
var errDetached = errors.New("process was detached")

func (p *Process) goneErr() error {
	e := p.end.Load()
	switch {
	case e == nil:
		return nil
	case e.detached:
		return fmt.Errorf("process %d: %w", p.pid, errDetached)
	default:
		return tracer.ErrExited{Pid: p.pid, Status: e.status}
	}
}

// Pid returns the process id.
func (p *Process) Pid() int { return p.pid }

// Threads returns the live thread ids as of the last stop, ascending. It
// answers at any time, also while the process runs.
func (p *Process) Threads() []int {
	p.imu.Lock()
	defer p.imu.Unlock()
	return slices.Clone(p.snapshot)
}

// ThreadName returns the thread's comm, or "" if the thread is gone.
func (p *Process) ThreadName(tid int) string {
	// Three system calls into a buffer on the stack: os.ReadFile also
	// stats the file and tries to register it with the poller, which is
	// three times slower, and a threads request reads one file per thread.
	fd, err := unix.Open("/proc/"+strconv.Itoa(p.pid)+"/task/"+strconv.Itoa(tid)+"/comm", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return ""
	}
	defer unix.Close(fd)
	var buf [64]byte // comm is at most 16 bytes (TASK_COMM_LEN)
	n, err := unix.Read(fd, buf[:])
	if err != nil || n <= 0 {
		return ""
	}
	return strings.TrimSuffix(string(buf[:n]), "\n")
}

// Executable returns the path of the running program image.
func (p *Process) Executable() string {
	p.imu.Lock()
	defer p.imu.Unlock()
	return p.exe
}

// Mappings returns the process's current memory map from /proc/PID/maps.
func (p *Process) Mappings() ([]tracer.Mapping, error) {
	if err := p.goneErr(); err != nil {
		return nil, err
	}
	return readMaps(p.pid)
}

// Stdout returns the read end of the debuggee's stdout pipe, or nil when the
// output is inherited or the process was attached. The caller reads it to
// EOF and closes it.
func (p *Process) Stdout() io.Reader {
	if p.stdout == nil {
		return nil
	}
	return p.stdout
}

// Stderr is Stdout for standard error.
func (p *Process) Stderr() io.Reader {
	if p.stderr == nil {
		return nil
	}
	return p.stderr
}

// Interrupt asks the running process to stop: the blocked resume returns
// StopInterrupt, or an event that happened first. It sends SIGSTOP to one
// running thread with tgkill; it makes no ptrace request, so any goroutine
// may call it at any time, as often as it likes. An Interrupt that arrives
// while no resume is running makes the next resume stop right after it
// starts, so a pause racing the start of a Continue is never lost.
func (p *Process) Interrupt() error {
	if err := p.goneErr(); err != nil {
		return err
	}
	p.imu.Lock()
	defer p.imu.Unlock()
	p.wanted = true
	if !p.running {
		return nil
	}
	return p.sendStop(p.intrTid)
}

// sendStop sends SIGSTOP to thread tid. Callers hold imu or are the monitor.
func (p *Process) sendStop(tid int) error {
	if err := syscall.Tgkill(p.pid, tid, syscall.SIGSTOP); err != nil && err != syscall.ESRCH {
		return fmt.Errorf("tgkill(%d, %d, SIGSTOP): %w", p.pid, tid, err)
	}
	return nil
}

// liveTids lists the live threads, ascending. Monitor only.
func (p *Process) liveTids() []int {
	tids := make([]int, 0, len(p.threads))
	for tid, t := range p.threads {
		if t.state.live() {
			tids = append(tids, tid)
		}
	}
	slices.Sort(tids)
	return tids
}

// publish refreshes the snapshot that Threads answers from. Monitor only.
func (p *Process) publish() {
	tids := p.liveTids()
	p.imu.Lock()
	p.snapshot = tids
	p.imu.Unlock()
}

// setExe records the running program image from /proc/PID/exe.
func (p *Process) setExe() {
	exe, err := os.Readlink("/proc/" + strconv.Itoa(p.pid) + "/exe")
	if err != nil {
		return
	}
	p.imu.Lock()
	p.exe = exe
	p.imu.Unlock()
}

// thread returns the stopped thread tid, or an ErrNoThread. Monitor only.
func (p *Process) thread(tid int) (*thread, error) {
	t := p.threads[tid]
	if t == nil || !t.state.live() {
		return nil, tracer.ErrNoThread{Pid: p.pid, Tid: tid}
	}
	return t, nil
}

// anyStopped returns a stopped thread to direct process-wide ptrace
// requests (memory) at. Monitor only.
func (p *Process) anyStopped() (*thread, error) {
	if t := p.threads[p.pid]; t != nil && t.state == stateStopped {
		return t, nil
	}
	for _, t := range p.threads {
		if t.state == stateStopped {
			return t, nil
		}
	}
	return nil, fmt.Errorf("process %d has no stopped thread", p.pid)
}

// finish marks the process gone; the monitor ends after the current call.
// Monitor only.
func (p *Process) finish(e endState) {
	for _, t := range p.threads {
		p.setState(t, stateExited)
	}
	p.threads = map[int]*thread{}
	p.publish()
	p.end.Store(&e)
}
