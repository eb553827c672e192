package symbols

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// The dynamic linker (glibc's ld.so, musl's too) publishes the list of
// loaded objects in a struct r_debug whose address it stores in the
// executable's DT_DEBUG dynamic entry, and calls the function at r_brk
// before and after every change to the list (dlopen, dlclose), with r_state
// saying which. A debugger puts a breakpoint on r_brk, and on each hit with
// r_state consistent rereads the list and the memory map (Table.Sync).

// RendezvousState is r_debug.r_state.
type RendezvousState int

// The states of the rendezvous (enum r_state in <link.h>).
const (
	// RendezvousConsistent: the list is complete and can be read.
	RendezvousConsistent RendezvousState = iota
	// RendezvousAdd: an object is about to be added.
	RendezvousAdd
	// RendezvousDelete: an object is about to be removed.
	RendezvousDelete
)

// ErrNoRendezvous says the dynamic linker has not published its list
// (DT_DEBUG is still zero: the process is stopped before ld.so ran), or
// the executable is statically linked.
var ErrNoRendezvous = errors.New("dynamic linker rendezvous (r_debug) not set up yet")

// Rendezvous is the dynamic linker's struct r_debug as read from memory.
type Rendezvous struct {
	// Addr is the run-time address of the struct.
	Addr uint64
	// Version is r_version (1, or 2 with dlmopen namespaces).
	Version int
	// Map is the address of the first struct link_map.
	Map uint64
	// Brk is the address of the function the linker calls around every
	// change to the list: the breakpoint that notices dlopen and dlclose.
	Brk uint64
	// State says whether the list is consistent or being changed.
	State RendezvousState
	// LdBase is the dynamic linker's load address.
	LdBase uint64
}

// LibraryEntry is one struct link_map of the linker's list.
type LibraryEntry struct {
	// Path is l_name: "" for the executable itself, "linux-vdso.so.1"
	// (not a file) for the vDSO, otherwise the path the object was
	// loaded from.
	Path string
	// Bias is l_addr, the object's load bias.
	Bias uint64
	// Dynamic is l_ld, the run-time address of its dynamic section.
	Dynamic uint64
}

// Executable returns the main program's image: the ET_EXEC image, or a
// PIE (ET_DYN with a PT_INTERP and no DT_SONAME: libc.so.6 has an
// interpreter too, to be runnable, but also a soname), or nil.
func (t *Table) Executable() *Image {
	for _, im := range t.images {
		if im.elf.Type == elf.ET_EXEC {
			return im
		}
	}
	for _, im := range t.images {
		if soname, _ := im.elf.DynString(elf.DT_SONAME); len(soname) > 0 {
			continue
		}
		for _, p := range im.elf.Progs {
			if p.Type == elf.PT_INTERP {
				return im
			}
		}
	}
	return nil
}

// ReadRendezvous finds the executable's DT_DEBUG entry in its dynamic
// section, as mapped in memory (the linker writes it at run time, so the
// file's copy is always zero), and reads the r_debug it points to.
func ReadRendezvous(exe *Image, mem MemoryReader) (*Rendezvous, error) {
	var dyn *elf.Prog
	for _, p := range exe.elf.Progs {
		if p.Type == elf.PT_DYNAMIC {
			dyn = p
		}
	}
	if dyn == nil {
		return nil, fmt.Errorf("%s has no dynamic section (statically linked): %w", exe.Path, ErrNoRendezvous)
	}
	buf := make([]byte, dyn.Memsz)
	if err := readFull(mem, dyn.Vaddr+exe.Bias, buf); err != nil {
		return nil, fmt.Errorf("read dynamic section of %s: %w", exe.Path, err)
	}
	var addr uint64
	for i := 0; i+16 <= len(buf); i += 16 {
		tag := elf.DynTag(binary.LittleEndian.Uint64(buf[i:]))
		if tag == elf.DT_NULL {
			break
		}
		if tag == elf.DT_DEBUG {
			addr = binary.LittleEndian.Uint64(buf[i+8:])
		}
	}
	if addr == 0 {
		return nil, ErrNoRendezvous
	}
	var rd [40]byte // struct r_debug on x86-64
	if err := readFull(mem, addr, rd[:]); err != nil {
		return nil, fmt.Errorf("read r_debug at %#x: %w", addr, err)
	}
	le := binary.LittleEndian
	return &Rendezvous{
		Addr:    addr,
		Version: int(int32(le.Uint32(rd[0:]))),
		Map:     le.Uint64(rd[8:]),
		Brk:     le.Uint64(rd[16:]),
		State:   RendezvousState(int32(le.Uint32(rd[24:]))),
		LdBase:  le.Uint64(rd[32:]),
	}, nil
}

// Libraries walks the link_map list. Read it when State is consistent:
// during a change the list may be half linked.
func (r *Rendezvous) Libraries(mem MemoryReader) ([]LibraryEntry, error) {
	var out []LibraryEntry
	seen := map[uint64]bool{}
	for lm := r.Map; lm != 0; {
		if seen[lm] || len(out) > 1<<16 {
			return out, fmt.Errorf("link_map list loops at %#x", lm)
		}
		seen[lm] = true
		var b [40]byte // l_addr, l_name, l_ld, l_next, l_prev
		if err := readFull(mem, lm, b[:]); err != nil {
			return out, fmt.Errorf("read link_map at %#x: %w", lm, err)
		}
		le := binary.LittleEndian
		name, err := readCString(mem, le.Uint64(b[8:]))
		if err != nil {
			return out, fmt.Errorf("read l_name of link_map at %#x: %w", lm, err)
		}
		out = append(out, LibraryEntry{Path: name, Bias: le.Uint64(b[0:]), Dynamic: le.Uint64(b[16:])})
		lm = le.Uint64(b[24:])
	}
	return out, nil
}

// LinkerBreakAddress returns the run-time address of the dynamic linker's
// _dl_debug_state, the function r_brk will point to, for a process stopped
// before the linker ran (at the entry stop, when DT_DEBUG is still zero).
// The interpreter is found from the executable's PT_INTERP.
func (t *Table) LinkerBreakAddress() (uint64, error) {
	exe := t.Executable()
	if exe == nil {
		return 0, errors.New("no executable image in the table")
	}
	var interp string
	for _, p := range exe.elf.Progs {
		if p.Type == elf.PT_INTERP {
			b := make([]byte, p.Filesz)
			if _, err := p.ReadAt(b, 0); err == nil {
				interp = string(bytes.TrimRight(b, "\x00"))
			}
		}
	}
	if interp == "" {
		return 0, fmt.Errorf("%s has no PT_INTERP (statically linked): no dynamic linker to watch", exe.Path)
	}
	want := resolvePath(interp)
	for _, im := range t.images {
		if resolvePath(im.Path) != want {
			continue
		}
		for _, f := range im.symbolsNamed("_dl_debug_state") {
			return f.Entry, nil
		}
		return 0, fmt.Errorf("dynamic linker %s has no _dl_debug_state symbol", im.Path)
	}
	return 0, fmt.Errorf("dynamic linker %s is not mapped (Sync the table with the process's memory map first)", interp)
}

func resolvePath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

// readFull reads len(buf) bytes at addr or fails.
func readFull(mem MemoryReader, addr uint64, buf []byte) error {
	n, err := mem.ReadMemory(addr, buf)
	if n == len(buf) {
		return nil
	}
	if err == nil {
		err = fmt.Errorf("short read: %d of %d bytes", n, len(buf))
	}
	return err
}

// readCString reads a NUL-terminated string of at most 4096 bytes.
func readCString(mem MemoryReader, addr uint64) (string, error) {
	if addr == 0 {
		return "", nil
	}
	var sb strings.Builder
	buf := make([]byte, 256)
	for sb.Len() < 4096 {
		// Do not read across a page boundary: the next page may be
		// unmapped.
		chunk := buf[:min(uint64(len(buf)), 4096-addr%4096)]
		n, err := mem.ReadMemory(addr, chunk)
		if i := bytes.IndexByte(chunk[:n], 0); i >= 0 {
			sb.Write(chunk[:i])
			return sb.String(), nil
		}
		sb.Write(chunk[:n])
		if err != nil || n == 0 {
			return sb.String(), fmt.Errorf("string at %#x not terminated: %w", addr, err)
		}
		addr += uint64(n)
	}
	return sb.String(), nil
}
