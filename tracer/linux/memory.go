//go:build linux

package linux

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ReadMemory reads len(buf) bytes at addr. Bytes under our breakpoints read
// as the program's own bytes. On a partly unmapped range it returns the
// count read before the hole and an error.
//
// process_vm_readv needs no tracer thread, so a read that it completes runs
// on the calling goroutine, without a trip to the monitor.
func (p *Process) ReadMemory(addr uint64, buf []byte) (int, error) {
	var n int
	var err error
	if len(buf) == 0 {
		return 0, nil
	}
	done := false
	if p.stopped(func() {
		if n = vmRead(p.pid, addr, buf); n == len(buf) {
			p.unpatch(addr, buf)
			done = true
		}
	}) && done {
		return n, nil
	}
	if e := p.do(func() { n, err = p.readMemory(addr, buf) }); e != nil {
		return 0, e
	}
	return n, err
}

// vmRead reads with one process_vm_readv and returns the count read.
func vmRead(pid int, addr uint64, buf []byte) int {
	local := []unix.Iovec{{Base: &buf[0], Len: uint64(len(buf))}}
	remote := []unix.RemoteIovec{{Base: uintptr(addr), Len: len(buf)}}
	n, _ := unix.ProcessVMReadv(pid, local, remote, 0)
	return max(n, 0)
}

// WriteMemory writes data at addr, also into read-only text (POKEDATA: text
// is read-only to process_vm_writev). Writing over a breakpoint updates its
// saved original byte and leaves int3 in place.
func (p *Process) WriteMemory(addr uint64, data []byte) error {
	var err error
	if e := p.do(func() { err = p.writeMemory(addr, data) }); e != nil {
		return e
	}
	return err
}

// readMemory reads with one process_vm_readv; if that stops short (a page
// the call may not read, such as PROT_NONE, or a hole) or is refused, it
// goes on word by word with PTRACE_PEEKDATA until the first failure.
// Monitor only.
func (p *Process) readMemory(addr uint64, buf []byte) (int, error) {
	if len(buf) == 0 {
		return 0, nil
	}
	t, err := p.anyStopped()
	if err != nil {
		return 0, err
	}
	n := vmRead(p.pid, addr, buf)
	if n < len(buf) {
		var m int
		m, err = peekRange(t.tid, addr+uint64(n), buf[n:])
		n += m
	}
	p.unpatch(addr, buf[:n])
	if err != nil {
		return n, fmt.Errorf("read memory at %#x (%d bytes): %d readable: %w", addr, len(buf), n, err)
	}
	return n, nil
}

// peekRange fills buf from addr with PTRACE_PEEKDATA, reading aligned words
// so that no word crosses into an unmapped page. Monitor only.
func peekRange(tid int, addr uint64, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		a := addr + uint64(n)
		w, err := peekWord(tid, a&^7)
		if err != nil {
			return n, err
		}
		var word [8]byte
		*(*uint64)(unsafe.Pointer(&word)) = w
		n += copy(buf[n:], word[a&7:])
	}
	return n, nil
}

// unpatch replaces int3 under our breakpoints in buf (read at addr) with
// the original bytes. Monitor only.
func (p *Process) unpatch(addr uint64, buf []byte) {
	end := addr + uint64(len(buf))
	if uint64(len(p.bps)) < uint64(len(buf)) {
		for a, bp := range p.bps {
			if a >= addr && a < end {
				buf[a-addr] = bp.orig
			}
		}
		return
	}
	for i := range buf {
		if bp := p.bps[addr+uint64(i)]; bp != nil {
			buf[i] = bp.orig
		}
	}
}

// writeMemory writes data word by word with read-modify-write POKEDATA,
// keeping int3 under breakpoints and recording the new original bytes.
// Monitor only.
func (p *Process) writeMemory(addr uint64, data []byte) error {
	t, err := p.anyStopped()
	if err != nil {
		return err
	}
	end := addr + uint64(len(data))
	for w := addr &^ 7; w < end; w += 8 {
		word, err := peekWord(t.tid, w)
		if err != nil {
			return fmt.Errorf("write memory at %#x: %w", w, err)
		}
		touchesBp := false
		for a := max(w, addr); a < min(w+8, end); a++ {
			b := data[a-addr]
			if bp := p.bps[a]; bp != nil {
				bp.orig = b
				touchesBp = true
				if !p.vforkOut {
					continue
				}
			}
			word = setByte(word, a, b)
		}
		if err := pokeWord(t.tid, w, word); err != nil {
			return fmt.Errorf("write memory at %#x: %w", w, err)
		}
		if touchesBp || p.hasBreakpointIn(w) {
			if err := p.recache(t.tid, w); err != nil {
				return err
			}
		}
	}
	return nil
}

func (p *Process) hasBreakpointIn(wordAddr uint64) bool {
	for a := wordAddr; a < wordAddr+8; a++ {
		if p.bps[a] != nil {
			return true
		}
	}
	return false
}
