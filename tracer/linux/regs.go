//go:build linux

package linux

import (
	"unsafe"

	"github.com/dapproc/dapproc/tracer"
	"golang.org/x/sys/unix"
)

// tracer.Regs has the layout of the kernel's user_regs_struct (27 words),
// so PTRACE_GETREGS and PTRACE_SETREGS read and write it directly.
var _ [27 * 8]byte = [unsafe.Sizeof(tracer.Regs{})]byte{}

// xstateMax bounds the XSAVE area; the kernel shortens the iovec to the
// real size (about 2.7 KiB with AVX-512, more with AMX tiles).
const xstateMax = 16 << 10

// Regs returns thread tid's general-purpose registers, read once per stop
// and cached until the thread runs again.
func (p *Process) Regs(tid int) (tracer.Regs, error) {
	var r tracer.Regs
	var err error
	cached := false
	if p.stopped(func() {
		if t := p.threads[tid]; t != nil && t.state == stateStopped && t.regsValid {
			r, cached = t.regs, true
		}
	}) && cached {
		return r, nil
	}
	if e := p.do(func() {
		var t *thread
		if t, err = p.thread(tid); err == nil {
			r, err = p.regs(t)
		}
	}); e != nil {
		return r, e
	}
	return r, err
}

// SetRegs writes thread tid's general-purpose registers.
func (p *Process) SetRegs(tid int, regs tracer.Regs) error {
	var err error
	if e := p.do(func() {
		var t *thread
		if t, err = p.thread(tid); err == nil {
			err = p.setRegs(t, regs)
			t.bpAddr = 0
			if p.bps[regs.Rip] != nil {
				t.bpAddr = regs.Rip
			}
		}
	}); e != nil {
		return e
	}
	return err
}

// XState returns thread tid's XSAVE area (x87, SSE, AVX) as the kernel's
// NT_X86_XSTATE regset lays it out, cached per stop.
func (p *Process) XState(tid int) ([]byte, error) {
	var out []byte
	var err error
	if e := p.do(func() {
		var t *thread
		if t, err = p.thread(tid); err != nil {
			return
		}
		if t.xstate == nil {
			buf := make([]byte, xstateMax)
			iov := unix.Iovec{Base: &buf[0], Len: uint64(len(buf))}
			if err = ptracePtr(unix.PTRACE_GETREGSET, tid, unix.NT_X86_XSTATE, unsafe.Pointer(&iov)); err != nil {
				return
			}
			t.xstate = buf[:iov.Len]
		}
		out = append([]byte(nil), t.xstate...)
	}); e != nil {
		return nil, e
	}
	return out, err
}

// regs returns t's registers from the cache or PTRACE_GETREGS. Monitor only.
func (p *Process) regs(t *thread) (tracer.Regs, error) {
	if !t.regsValid {
		if err := ptracePtr(unix.PTRACE_GETREGS, t.tid, 0, unsafe.Pointer(&t.regs)); err != nil {
			return tracer.Regs{}, err
		}
		t.regsValid = true
	}
	return t.regs, nil
}

// setRegs writes t's registers and the cache. Monitor only.
func (p *Process) setRegs(t *thread, r tracer.Regs) error {
	t.regs = r
	if err := ptracePtr(unix.PTRACE_SETREGS, t.tid, 0, unsafe.Pointer(&t.regs)); err != nil {
		t.regsValid = false
		return err
	}
	t.regsValid = true
	return nil
}
