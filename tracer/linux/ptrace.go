//go:build linux

package linux

import (
	"fmt"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// PtraceError is a failed ptrace request, with the request and thread named.
type PtraceError struct {
	Request int
	Tid     int
	Err     error
}

func (e *PtraceError) Error() string {
	return fmt.Sprintf("ptrace(%s) tid %d: %v", requestName(e.Request), e.Tid, e.Err)
}

func (e *PtraceError) Unwrap() error { return e.Err }

var requestNames = map[int]string{
	unix.PTRACE_PEEKDATA:    "PTRACE_PEEKDATA",
	unix.PTRACE_POKEDATA:    "PTRACE_POKEDATA",
	unix.PTRACE_CONT:        "PTRACE_CONT",
	unix.PTRACE_KILL:        "PTRACE_KILL",
	unix.PTRACE_SINGLESTEP:  "PTRACE_SINGLESTEP",
	unix.PTRACE_GETREGS:     "PTRACE_GETREGS",
	unix.PTRACE_SETREGS:     "PTRACE_SETREGS",
	unix.PTRACE_ATTACH:      "PTRACE_ATTACH",
	unix.PTRACE_DETACH:      "PTRACE_DETACH",
	unix.PTRACE_SETOPTIONS:  "PTRACE_SETOPTIONS",
	unix.PTRACE_GETEVENTMSG: "PTRACE_GETEVENTMSG",
	unix.PTRACE_GETSIGINFO:  "PTRACE_GETSIGINFO",
	unix.PTRACE_GETREGSET:   "PTRACE_GETREGSET",
}

func requestName(req int) string {
	if n, ok := requestNames[req]; ok {
		return n
	}
	return fmt.Sprintf("request %#x", req)
}

// ptrace makes one raw ptrace request. Monitor only.
func ptrace(req, tid int, addr, data uintptr) error {
	_, _, e := unix.Syscall6(unix.SYS_PTRACE, uintptr(req), uintptr(tid), addr, data, 0, 0)
	if e != 0 {
		return &PtraceError{Request: req, Tid: tid, Err: e}
	}
	return nil
}

// ptracePtr makes a ptrace request whose data argument points into Go
// memory. The pointer is converted to uintptr in the system call's own
// argument list, the only place where Go promises to keep the object alive
// and in place (a goroutine stack can move while a wrapper holds a uintptr:
// the kernel would then write into the old stack). Monitor only.
func ptracePtr(req, tid int, addr uintptr, data unsafe.Pointer) error {
	_, _, e := unix.Syscall6(unix.SYS_PTRACE, uintptr(req), uintptr(tid), addr, uintptr(data), 0, 0)
	if e != 0 {
		return &PtraceError{Request: req, Tid: tid, Err: e}
	}
	return nil
}

func ptraceCont(tid int, sig syscall.Signal) error {
	return ptrace(unix.PTRACE_CONT, tid, 0, uintptr(sig))
}

func ptraceStep(tid int, sig syscall.Signal) error {
	return ptrace(unix.PTRACE_SINGLESTEP, tid, 0, uintptr(sig))
}

// peekWord reads the 8 bytes at addr. The raw system call stores the word
// through its data argument (the C library wrapper returns it instead).
func peekWord(tid int, addr uint64) (uint64, error) {
	var w uint64
	err := ptracePtr(unix.PTRACE_PEEKDATA, tid, uintptr(addr), unsafe.Pointer(&w))
	return w, err
}

func pokeWord(tid int, addr, w uint64) error {
	return ptrace(unix.PTRACE_POKEDATA, tid, uintptr(addr), uintptr(w))
}

func eventMsg(tid int) (uint64, error) {
	var m uint64
	err := ptracePtr(unix.PTRACE_GETEVENTMSG, tid, 0, unsafe.Pointer(&m))
	return m, err
}

// siginfo is the kernel's siginfo_t on x86-64: three ints, padding, then a
// union whose first fields are the sender's pid (kill, tgkill) or the fault
// address (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP).
type siginfo struct {
	Signo int32
	Errno int32
	Code  int32
	_     int32
	Union [112]byte
}

func (s *siginfo) pid() int      { return int(*(*int32)(unsafe.Pointer(&s.Union[0]))) }
func (s *siginfo) addr() uint64  { return *(*uint64)(unsafe.Pointer(&s.Union[0])) }
func (s *siginfo) isFault() bool { return faultSignals[syscall.Signal(s.Signo)] }

var faultSignals = map[syscall.Signal]bool{
	syscall.SIGSEGV: true, syscall.SIGBUS: true, syscall.SIGILL: true,
	syscall.SIGFPE: true, syscall.SIGTRAP: true,
}

func getSiginfo(tid int) (siginfo, error) {
	var si siginfo
	err := ptracePtr(unix.PTRACE_GETSIGINFO, tid, 0, unsafe.Pointer(&si))
	return si, err
}

// wait4 waits for a status change of tid (-1: any thread or child this
// thread traces). __WALL includes clone children (threads); __WNOTHREAD
// keeps it from reaping children of other threads of this Go process, such
// as a compiler that a test runs, or another Process's debuggee. Monitor
// only.
func wait4(tid int) (int, unix.WaitStatus, error) {
	var ws unix.WaitStatus
	for {
		wpid, err := unix.Wait4(tid, &ws, unix.WALL|unix.WNOTHREAD, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 0, 0, fmt.Errorf("wait4(%d): %w", tid, err)
		}
		return wpid, ws, nil
	}
}
