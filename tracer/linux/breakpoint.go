//go:build linux

package linux

import (
	"fmt"

	"github.com/dapproc/dapproc/tracer"
)

// breakpointInsn is x86-64 int3, the one-byte software breakpoint. After it
// traps, the PC is one past it. (arch will own this fact; kept local while
// arch is written in parallel.)
const breakpointInsn = 0xCC

// breakpoint is one software breakpoint: int3 over the first byte of the
// instruction at addr. The word values are cached so the step-over cycle
// costs two POKEDATA and no PEEKDATA; any write of ours to the word
// refreshes them (recache). Code that rewrites itself under a breakpoint is
// not supported.
type breakpoint struct {
	addr     uint64
	orig     byte   // the program's byte at addr
	wordAddr uint64 // addr rounded down to 8: an aligned word never crosses a page
	withTrap uint64 // the word as it stands in memory, int3 in place
	without  uint64 // the same word with the original byte at addr
}

func byteShift(addr uint64) uint { return uint(addr&7) * 8 }

func setByte(w uint64, addr uint64, b byte) uint64 {
	s := byteShift(addr)
	return w&^(0xff<<s) | uint64(b)<<s
}

func getByte(w uint64, addr uint64) byte { return byte(w >> byteShift(addr)) }

// SetBreakpoint inserts a software breakpoint at addr; setting one that
// exists is a no-op. The process must be stopped.
func (p *Process) SetBreakpoint(addr uint64) error {
	var err error
	if e := p.do(func() { err = p.setBreakpoint(addr) }); e != nil {
		return e
	}
	return err
}

// ClearBreakpoint removes the breakpoint at addr and restores the original
// byte. The process must be stopped.
func (p *Process) ClearBreakpoint(addr uint64) error {
	var err error
	if e := p.do(func() { err = p.clearBreakpoint(addr) }); e != nil {
		return e
	}
	return err
}

// setBreakpoint inserts int3 at addr. A stopped thread whose PC is already
// at addr will be stepped over it on resume, not stopped by it. Monitor only.
func (p *Process) setBreakpoint(addr uint64) error {
	if p.bps[addr] != nil {
		return nil
	}
	t, err := p.anyStopped()
	if err != nil {
		return err
	}
	bp := &breakpoint{addr: addr, wordAddr: addr &^ 7}
	w, err := peekWord(t.tid, bp.wordAddr)
	if err != nil {
		return fmt.Errorf("set breakpoint at %#x: %w", addr, err)
	}
	bp.orig = getByte(w, addr)
	if !p.vforkOut {
		if err := pokeWord(t.tid, bp.wordAddr, setByte(w, addr, breakpointInsn)); err != nil {
			return fmt.Errorf("set breakpoint at %#x: %w", addr, err)
		}
	}
	p.bps[addr] = bp
	if err := p.recache(t.tid, bp.wordAddr); err != nil {
		return err
	}
	for _, th := range p.threads {
		if th.state != stateStopped {
			continue
		}
		regs, err := p.regs(th)
		if err == nil && regs.Rip == addr {
			th.bpAddr = addr
		}
	}
	return nil
}

// clearBreakpoint restores the original byte at addr and drops pending hits
// of it that were not reported yet. Monitor only.
func (p *Process) clearBreakpoint(addr uint64) error {
	bp := p.bps[addr]
	if bp == nil {
		return nil
	}
	t, err := p.anyStopped()
	if err != nil {
		return err
	}
	if !p.vforkOut {
		w, err := peekWord(t.tid, bp.wordAddr)
		if err != nil {
			return fmt.Errorf("clear breakpoint at %#x: %w", addr, err)
		}
		if err := pokeWord(t.tid, bp.wordAddr, setByte(w, addr, bp.orig)); err != nil {
			return fmt.Errorf("clear breakpoint at %#x: %w", addr, err)
		}
	}
	delete(p.bps, addr)
	if err := p.recache(t.tid, bp.wordAddr); err != nil {
		return err
	}
	for _, th := range p.threads {
		if th.bpAddr == addr {
			th.bpAddr = 0
		}
		if ev := th.pending; ev != nil && ev.Addr == addr && ev.Reason == tracer.StopBreakpoint {
			th.pending = nil
			p.queue = deleteTid(p.queue, th.tid)
		}
	}
	return nil
}

// recache reads the word at wordAddr and refreshes the cached words of
// every breakpoint inside it. Monitor only.
func (p *Process) recache(tid int, wordAddr uint64) error {
	if p.vforkOut {
		return nil
	}
	var w uint64
	read := false
	for a := wordAddr; a < wordAddr+8; a++ {
		bp := p.bps[a]
		if bp == nil {
			continue
		}
		if !read {
			var err error
			if w, err = peekWord(tid, wordAddr); err != nil {
				return fmt.Errorf("breakpoint at %#x: %w", a, err)
			}
			read = true
		}
		bp.withTrap = w
		bp.without = setByte(w, a, bp.orig)
	}
	return nil
}

// removeAll puts the original bytes back under every breakpoint, in the
// memory of thread or process tid, leaving the table as it is. Monitor only.
func (p *Process) removeAll(tid int) error {
	for _, bp := range p.bps {
		w, err := peekWord(tid, bp.wordAddr)
		if err == nil {
			err = pokeWord(tid, bp.wordAddr, setByte(w, bp.addr, bp.orig))
		}
		if err != nil {
			return fmt.Errorf("remove breakpoint at %#x from %d: %w", bp.addr, tid, err)
		}
	}
	return nil
}

// insertAll writes int3 under every breakpoint again (after removeAll) and
// refreshes the cached words. Monitor only.
func (p *Process) insertAll(tid int) error {
	for _, bp := range p.bps {
		w, err := peekWord(tid, bp.wordAddr)
		if err == nil {
			err = pokeWord(tid, bp.wordAddr, setByte(w, bp.addr, breakpointInsn))
		}
		if err != nil {
			return fmt.Errorf("re-insert breakpoint at %#x: %w", bp.addr, err)
		}
	}
	for _, bp := range p.bps {
		if err := p.recache(tid, bp.wordAddr); err != nil {
			return err
		}
	}
	return nil
}

func deleteTid(tids []int, tid int) []int {
	out := tids[:0]
	for _, t := range tids {
		if t != tid {
			out = append(out, t)
		}
	}
	return out
}
