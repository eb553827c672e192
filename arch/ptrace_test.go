package arch

import (
	"errors"
	"fmt"
	"runtime"
	"syscall"
	"testing"
	"unsafe"

	"github.com/dapproc/dapproc/tracer"
	"golang.org/x/sys/unix"
)

// miniTracer is the least ptrace the arch tests need to look at a real
// process: tracer/linux is written in parallel and arch must not import it.
// Its methods must be called from the goroutine that withTracee runs fn on.
type miniTracer struct {
	pid int
}

// withTracee starts binary under ptrace (PTRACE_TRACEME through
// SysProcAttr.Ptrace), waits for the SIGTRAP of its execve and runs fn,
// then kills and reaps it. Every ptrace request must come from the thread
// that forked the tracee, so all of it runs on one goroutine locked to its
// OS thread and never unlocked: the runtime discards that thread.
func withTracee(t *testing.T, binary string, fn func(m *miniTracer) error) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		done <- traceAndRun(binary, fn)
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func traceAndRun(binary string, fn func(m *miniTracer) error) error {
	pid, err := syscall.ForkExec(binary, []string{binary}, &syscall.ProcAttr{
		Files: []uintptr{0, 1, 2},
		Sys:   &syscall.SysProcAttr{Ptrace: true},
	})
	if err != nil {
		return fmt.Errorf("starting %s: %w", binary, err)
	}
	defer func() {
		// SIGKILL ends a tracee even while it is stopped; then reap it.
		unix.Kill(pid, unix.SIGKILL)
		var ws unix.WaitStatus
		unix.Wait4(pid, &ws, 0, nil)
	}()
	m := &miniTracer{pid}
	if err := m.waitTrap("exec"); err != nil {
		return err
	}
	return fn(m)
}

func (m *miniTracer) waitTrap(what string) error {
	var ws unix.WaitStatus
	if _, err := unix.Wait4(m.pid, &ws, 0, nil); err != nil {
		return fmt.Errorf("wait4 pid %d for %s: %w", m.pid, what, err)
	}
	if !ws.Stopped() || ws.StopSignal() != unix.SIGTRAP {
		return fmt.Errorf("pid %d: waiting for the SIGTRAP of %s, got status %#x", m.pid, what, uint32(ws))
	}
	return nil
}

// cont continues to the next SIGTRAP (the fixture's next int3).
func (m *miniTracer) cont() error {
	if err := unix.PtraceCont(m.pid, 0); err != nil {
		return fmt.Errorf("ptrace(PTRACE_CONT) pid %d: %w", m.pid, err)
	}
	return m.waitTrap("int3")
}

// step executes one instruction.
func (m *miniTracer) step() error {
	if err := unix.PtraceSingleStep(m.pid); err != nil {
		return fmt.Errorf("ptrace(PTRACE_SINGLESTEP) pid %d: %w", m.pid, err)
	}
	return m.waitTrap("single-step")
}

func (m *miniTracer) regs() (tracer.Regs, error) {
	var pr unix.PtraceRegs
	if err := unix.PtraceGetRegs(m.pid, &pr); err != nil {
		return tracer.Regs{}, fmt.Errorf("ptrace(PTRACE_GETREGS) pid %d: %w", m.pid, err)
	}
	// tracer.Regs has the layout of the kernel's user_regs_struct, as
	// unix.PtraceRegs does.
	return *(*tracer.Regs)(unsafe.Pointer(&pr)), nil
}

// ntX86XState is the ELF note type of the XSAVE regset (NT_X86_XSTATE).
const ntX86XState = 0x202

func (m *miniTracer) xstate() ([]byte, error) {
	buf := make([]byte, 64<<10)
	iov := unix.Iovec{Base: &buf[0]}
	iov.SetLen(len(buf))
	if _, _, errno := unix.Syscall6(unix.SYS_PTRACE, unix.PTRACE_GETREGSET, uintptr(m.pid), ntX86XState,
		uintptr(unsafe.Pointer(&iov)), 0, 0); errno != 0 {
		return nil, fmt.Errorf("ptrace(PTRACE_GETREGSET, NT_X86_XSTATE) pid %d: %w", m.pid, errno)
	}
	return buf[:iov.Len], nil // the kernel sets Len to the regset's size
}

// ReadMemory makes miniTracer a MemoryReader.
func (m *miniTracer) ReadMemory(addr uint64, buf []byte) (int, error) {
	n, err := unix.PtracePeekData(m.pid, uintptr(addr), buf)
	if err == nil && n < len(buf) {
		err = errors.New("short read")
	}
	if err != nil {
		return n, fmt.Errorf("ptrace(PTRACE_PEEKDATA) pid %d at %#x: %w", m.pid, addr, err)
	}
	return n, nil
}
