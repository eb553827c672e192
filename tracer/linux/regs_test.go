//go:build linux

package linux

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/dapproc/dapproc/tracer"
)

// TestRegisters reads the AVX state a fixture loaded, reads FS base (the
// thread pointer, whose first word points to itself in glibc), reads into a
// PROT_NONE page (the PEEKDATA fallback), and writes an argument register
// that changes what the program prints.
func TestRegisters(t *testing.T) {
	b := buildC(t, "tracer_regs.c")
	p := launch(t, b.path)
	out := readAll(t, p.Stdout())
	// show's entry, where its argument is still in rdi.
	for _, addr := range []uint64{b.addr(t, p, "loaded"), b.symbol(t, p, "show")} {
		if err := p.SetBreakpoint(addr); err != nil {
			t.Fatal(err)
		}
	}
	ev := mustStop(t, tracer.StopBreakpoint, p.Continue)
	xs, err := p.XState(ev.Tid)
	if err != nil {
		t.Fatal(err)
	}
	// Standard XSAVE layout: xmm registers at 160 in the legacy area, the
	// upper halves of ymm registers in the AVX component at 576.
	const xmm1, ymm1Hi = 160 + 16, 576 + 16
	if len(xs) < ymm1Hi+16 {
		t.Fatalf("XSAVE area of %d bytes, too short for AVX", len(xs))
	}
	var pattern [32]byte
	for i := range pattern {
		pattern[i] = byte(i + 1)
	}
	if got := append(append([]byte{}, xs[xmm1:xmm1+16]...), xs[ymm1Hi:ymm1Hi+16]...); !bytes.Equal(got, pattern[:]) {
		t.Errorf("ymm1 = % x, want % x", got, pattern)
	}

	regs, err := p.Regs(ev.Tid)
	if err != nil {
		t.Fatal(err)
	}
	if regs.FsBase == 0 {
		t.Fatal("FS base is 0")
	}
	var self [8]byte
	if _, err := p.ReadMemory(regs.FsBase, self[:]); err != nil {
		t.Fatal(err)
	}
	if got := binary.LittleEndian.Uint64(self[:]); got != regs.FsBase {
		t.Errorf("word at FS base %#x is %#x, want the thread pointer itself", regs.FsBase, got)
	}

	// Into a PROT_NONE page: process_vm_readv stops at it, PEEKDATA
	// reads on.
	var ptr [8]byte
	if _, err := p.ReadMemory(b.symbol(t, p, "guarded"), ptr[:]); err != nil {
		t.Fatal(err)
	}
	guarded := binary.LittleEndian.Uint64(ptr[:])
	across := make([]byte, 16)
	if n, err := p.ReadMemory(guarded+4096-8, across); err != nil || n != 16 {
		t.Errorf("read into the PROT_NONE page: n=%d err=%v, want 16 bytes", n, err)
	}
	if want := bytes.Repeat([]byte{1}, 8); !bytes.Equal(across[:8], want) || !bytes.Equal(across[8:], []byte{2, 2, 2, 2, 2, 2, 2, 2}) {
		t.Errorf("across the PROT_NONE boundary: % x, want 8 x 01 then 8 x 02", across)
	}

	ev = mustStop(t, tracer.StopBreakpoint, p.Continue)
	regs, err = p.Regs(ev.Tid)
	if err != nil {
		t.Fatal(err)
	}
	if regs.Rdi != 1 {
		t.Fatalf("rdi = %d at show(1), want 1", regs.Rdi)
	}
	regs.Rdi = 42
	if err := p.SetRegs(ev.Tid, regs); err != nil {
		t.Fatal(err)
	}
	if again, _ := p.Regs(ev.Tid); again.Rdi != 42 {
		t.Errorf("Regs after SetRegs: rdi = %d, want 42", again.Rdi)
	}
	mustStop(t, tracer.StopExited, p.Continue)
	if got := out(); got != "value 42\n" {
		t.Errorf("stdout %q, want %q", got, "value 42\n")
	}
}

// TestMemoryRanges reads across a page boundary at an odd address and up to
// a hole (the readable part and an error), and writes a variable.
func TestMemoryRanges(t *testing.T) {
	b := buildC(t, "tracer_basic.c")
	p := launch(t, b.path)
	out := readAll(t, p.Stdout())
	if err := p.SetBreakpoint(b.addr(t, p, "after")); err != nil {
		t.Fatal(err)
	}
	mustStop(t, tracer.StopBreakpoint, p.Continue)
	maps, err := p.Mappings()
	if err != nil {
		t.Fatal(err)
	}
	var stack, beforeHole *tracer.Mapping
	for i := range maps {
		m := &maps[i]
		if m.Path == "[stack]" {
			stack = m
		}
		if m.Perms[0] == 'r' && (i+1 == len(maps) || maps[i+1].Start > m.End) && beforeHole == nil && m.Path != "[vsyscall]" {
			beforeHole = m
		}
	}
	if stack == nil || beforeHole == nil {
		t.Fatalf("maps lack a stack or a hole: %+v", maps)
	}

	// Cross-page, unaligned, on the stack.
	addr := stack.End - 3*4096 - 5
	got := make([]byte, 4096+13)
	if n, err := p.ReadMemory(addr, got); err != nil || n != len(got) {
		t.Fatalf("read %d bytes at %#x: n=%d err=%v", len(got), addr, n, err)
	}
	if want := rawMem(t, p.Pid(), addr, len(got)); !bytes.Equal(got, want) {
		t.Error("cross-page read differs from /proc/PID/mem")
	}

	// Up to a hole: the readable part and an error.
	got = make([]byte, 32)
	n, err := p.ReadMemory(beforeHole.End-10, got)
	if n != 10 || err == nil {
		t.Errorf("read across the end of %+v: n=%d err=%v, want 10 bytes and an error", *beforeHole, n, err)
	}
	if want := rawMem(t, p.Pid(), beforeHole.End-10, 10); !bytes.Equal(got[:10], want) {
		t.Errorf("readable part % x, want % x", got[:10], want)
	}

	var v [8]byte
	binary.LittleEndian.PutUint64(v[:], 99)
	if err := p.WriteMemory(b.symbol(t, p, "counter"), v[:]); err != nil {
		t.Fatal(err)
	}
	mustStop(t, tracer.StopExited, p.Continue)
	if got := out(); !strings.HasSuffix(got, "counter 99\n") {
		t.Errorf("stdout %q, want it to end with counter 99", got)
	}
}

// TestWriteOverBreakpoint: writing text under a breakpoint changes the
// saved original, keeps int3 in memory, and clearing the breakpoint puts
// the written byte in place.
func TestWriteOverBreakpoint(t *testing.T) {
	b := buildC(t, "tracer_basic.c")
	p := launch(t, b.path)
	addr := b.addr(t, p, "bump")
	if err := p.SetBreakpoint(addr); err != nil {
		t.Fatal(err)
	}
	orig := make([]byte, 3)
	if _, err := p.ReadMemory(addr, orig); err != nil {
		t.Fatal(err)
	}
	patch := []byte{0x90, 0x90, 0x90} // nops, written over the breakpoint
	if err := p.WriteMemory(addr, patch); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 3)
	if _, err := p.ReadMemory(addr, got); err != nil || !bytes.Equal(got, patch) {
		t.Errorf("ReadMemory after write: % x (%v), want % x", got, err, patch)
	}
	if raw := rawMem(t, p.Pid(), addr, 3); !bytes.Equal(raw, []byte{0xCC, 0x90, 0x90}) {
		t.Errorf("memory % x, want cc 90 90 (breakpoint kept)", raw)
	}
	if err := p.WriteMemory(addr, orig); err != nil {
		t.Fatal(err)
	}
	if err := p.ClearBreakpoint(addr); err != nil {
		t.Fatal(err)
	}
	if raw := rawMem(t, p.Pid(), addr, 3); !bytes.Equal(raw, orig) {
		t.Errorf("memory % x after clear, want % x", raw, orig)
	}
}
