package symbols

import (
	"bytes"
	"errors"
	"testing"

	"github.com/dapproc/dapproc/internal/fixture"
)

// sameAsFrameVariables checks that the Scope of a frame locates every
// parameter and local where FrameVariables (read through the whole DWARF
// path) finds it, or says it is unavailable when FrameVariables does.
func sameAsFrameVariables(t *testing.T, p *tracee, tab *Table, f *Frame, sc *Scope) int {
	t.Helper()
	params, locals, err := tab.FrameVariables(f, p)
	if err != nil {
		t.Fatal(err)
	}
	regs, err := sc.FrameRegisters(f.Regs, p)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, v := range append(params, locals...) {
		if v.Shadowed {
			continue
		}
		b, err := sc.Lookup(v.Name)
		if err != nil {
			t.Errorf("%s: Lookup: %v", v.Name, err)
			continue
		}
		if got, want := TypeName(b.Image, b.Type), v.Type; got != want {
			t.Errorf("%s: type %q, want %q", v.Name, got, want)
		}
		addr, data, err := b.Locate(regs, p)
		switch {
		case v.Unavailable != "":
			if err == nil {
				t.Errorf("%s: located at %#x/%x, but FrameVariables says %s", v.Name, addr, data, v.Unavailable)
			}
		case err != nil:
			t.Errorf("%s: Locate: %v (FrameVariables: at %#x)", v.Name, err, v.Addr)
		case v.Addr != addr || !bytes.Equal(v.Data(), data):
			t.Errorf("%s: located at %#x / %x, FrameVariables at %#x / %x", v.Name, addr, data, v.Addr, v.Data())
		}
		checked++
	}
	return checked
}

func TestScopeLocatesLikeFrameVariables(t *testing.T) {
	t.Parallel()
	p, tab, frames := stopInVars(t, "show", 1)
	sc, err := tab.InnermostScope(frames[0].PC)
	if err != nil {
		t.Fatal(err)
	}
	if n := sameAsFrameVariables(t, p, tab, &frames[0], sc); n < 10 {
		t.Errorf("compared %d variables of show(), want every C type's", n)
	}
	// The innermost scope computes the CFA itself, from the registers
	// alone: it must agree with the unwinder's.
	regs, err := sc.FrameRegisters(p.dwarfRegs(), p)
	if err != nil {
		t.Fatal(err)
	}
	if uint64(regs.CFA) != frames[0].CFA {
		t.Errorf("innermost scope's CFA %#x, unwinder's %#x", regs.CFA, frames[0].CFA)
	}
	for i := 1; i < len(frames) && frames[i].Function != nil && frames[i].Function.HasDWARF(); i++ {
		outer, err := tab.FrameScope(&frames[i])
		if err != nil {
			t.Fatal(err)
		}
		sameAsFrameVariables(t, p, tab, &frames[i], outer)
	}
	var none ErrNoVariable
	if _, err := sc.Lookup("no_such_name"); !errors.As(err, &none) || err.Error() != `unknown identifier "no_such_name"` {
		t.Errorf("Lookup of an unknown name: %v", err)
	}
}

func TestScopeOptimisedAndInlined(t *testing.T) {
	t.Parallel()
	bin := fixture.C(t, optSrc, "-O2")
	for _, marker := range []string{"opt_inlined", "opt_after_call"} {
		p := startTracee(t, bin)
		p.breakAt(optSrc, fixture.Line(t, optSrc, marker))
		p.cont()
		tab := p.table()
		frames, err := tab.Unwind(p.dwarfRegs(), p, 16)
		if err != nil {
			t.Fatal(err)
		}
		sc, err := tab.InnermostScope(frames[0].PC)
		if err != nil {
			t.Fatal(err)
		}
		if n := sameAsFrameVariables(t, p, tab, &frames[0], sc); n == 0 {
			t.Errorf("%s: no variable compared", marker)
		}
	}
}

func TestScopeGlobals(t *testing.T) {
	t.Parallel()
	p, tab, frames := stopInVars(t, "show", 1)
	sc, err := tab.InnermostScope(frames[0].PC)
	if err != nil {
		t.Fatal(err)
	}
	globals, err := tab.Globals(tab.Executable(), p)
	if err != nil {
		t.Fatal(err)
	}
	regs, err := sc.FrameRegisters(p.dwarfRegs(), p)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range globals {
		if _, local := sc.names[g.Name]; local {
			continue // hidden by a local of the same name
		}
		b, err := sc.Lookup(g.Name)
		if err != nil {
			t.Errorf("global %s: %v", g.Name, err)
			continue
		}
		addr, _, err := b.Locate(regs, p)
		if err != nil || addr != g.Addr {
			t.Errorf("global %s at %#x, %v; Globals says %#x", g.Name, addr, err, g.Addr)
		}
	}
	if len(globals) == 0 {
		t.Error("the fixture has no globals to compare")
	}
}
