package symbols

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dapproc/dapproc/internal/fixture"
)

// oneFunction looks name up and expects exactly one function, whose body
// entry must map to line bodyLine of file.
func oneFunction(t *testing.T, tab *Table, name, file string, bodyLine int) *Function {
	t.Helper()
	fns, addrs, err := tab.FunctionAddresses(name)
	if err != nil {
		t.Fatal(err)
	}
	if len(fns) != 1 || len(addrs) != 1 {
		t.Fatalf("FunctionAddresses(%q) found %d functions, want 1", name, len(fns))
	}
	f := fns[0]
	if addrs[0] < f.Entry || addrs[0] >= f.End {
		t.Errorf("%s: body entry %#x outside [%#x, %#x)", name, addrs[0], f.Entry, f.End)
	}
	loc, ok := tab.LocationAt(addrs[0])
	if !ok || loc.Line != bodyLine || filepath.Base(loc.File) != file {
		t.Errorf("%s: body entry %#x at %v, want %s:%d", name, addrs[0], loc, file, bodyLine)
	}
	if got, ok := tab.FunctionAt(addrs[0]); !ok || got != f {
		t.Errorf("FunctionAt(body entry of %s) = %v", name, got)
	}
	return f
}

func TestFunctionAddressesC(t *testing.T) {
	const src = "sym_basic.c"
	for _, b := range basicBuilds {
		t.Run(b.name, func(t *testing.T) {
			tab := fileTable(t, fixture.C(t, src, b.flags...))
			f := oneFunction(t, tab, "add", src, fixture.Line(t, src, "add_body"))
			if f.Mangled != "" || filepath.Base(f.File) != src || f.Line != fixture.Line(t, src, "add_open")-1 || !f.HasDWARF() {
				t.Errorf("add: %+v, want unmangled, declared at %s:%d", f, src, fixture.Line(t, src, "add_open")-1)
			}
			if f.Entry != f.Ranges[0][0] || f.End != f.Ranges[0][1] || len(f.Ranges) != 1 {
				t.Errorf("add: entry %#x end %#x ranges %#x", f.Entry, f.End, f.Ranges)
			}
			if _, _, err := tab.FunctionAddresses("no_such_function"); err == nil || !strings.Contains(err.Error(), "no_such_function") {
				t.Errorf("unknown function: err = %v", err)
			}
		})
	}
}

func TestStatementAddresses(t *testing.T) {
	const src = "sym_basic.c"
	tab := fileTable(t, fixture.C(t, src))
	fns, _, err := tab.FunctionAddresses("loop_sum")
	if err != nil {
		t.Fatal(err)
	}
	f := fns[0]
	stmts := f.StatementAddresses()
	lines := map[int]bool{}
	for i, a := range stmts {
		if a < f.Entry || a >= f.End {
			t.Errorf("statement %#x outside loop_sum [%#x, %#x)", a, f.Entry, f.End)
		}
		if i > 0 && a <= stmts[i-1] {
			t.Errorf("statements not sorted and unique: %#x after %#x", a, stmts[i-1])
		}
		loc, _ := tab.LocationAt(a)
		lines[loc.Line] = true
	}
	for _, m := range []string{"for_head", "loop_body", "twice_body", "after_gap"} {
		if !lines[fixture.Line(t, src, m)] {
			t.Errorf("no statement of loop_sum on line %s (%d); lines %v", m, fixture.Line(t, src, m), lines)
		}
	}
	if stmts[0] != f.Entry {
		t.Errorf("first statement %#x, want the entry %#x", stmts[0], f.Entry)
	}
}

func TestCPlusPlusNames(t *testing.T) {
	const src = "sym_cpp.cpp"
	tab := fileTable(t, fixture.C(t, src))
	norm := oneFunction(t, tab, "geo::Point::norm1", src, fixture.Line(t, src, "norm1_body"))
	if norm.Name != "geo::Point::norm1() const" || norm.Mangled != "_ZNK3geo5Point5norm1Ev" {
		t.Errorf("norm1 named %q mangled %q", norm.Name, norm.Mangled)
	}
	// Asked by its display name, its mangled name, or unqualified.
	for _, name := range []string{"geo::Point::norm1() const", "_ZNK3geo5Point5norm1Ev", "norm1"} {
		if fns, _, err := tab.FunctionAddresses(name); err != nil || len(fns) != 1 || fns[0] != norm {
			t.Errorf("FunctionAddresses(%q) = %v, %v; want norm1", name, fns, err)
		}
	}
	// Overloads: both without parameter types, one with.
	fns, _, err := tab.FunctionAddresses("geo::scale")
	if err != nil || len(fns) != 2 {
		t.Fatalf("geo::scale: %v, %v; want two overloads", fns, err)
	}
	oneFunction(t, tab, "geo::scale(double)", src, fixture.Line(t, src, "scale_double"))
	oneFunction(t, tab, "geo::scale(int)", src, fixture.Line(t, src, "scale_int"))
	// Template instances.
	fns, _, err = tab.FunctionAddresses("geo::biggest<int>")
	if err != nil || len(fns) != 1 || fns[0].Name != "int geo::biggest<int>(int, int)" {
		t.Errorf("geo::biggest<int>: %v, %v", fns, err)
	}
	// A lambda and a method of a function-local class: their DWARF sits
	// inside main's. The lambda's prologue (copying the capture) has a
	// second row on its opening line, where gdb breaks too.
	lambda := oneFunction(t, tab, "main::{lambda(int)#1}::operator()", src, fixture.Line(t, src, "lambda_open"))
	local := oneFunction(t, tab, "main::Local::twice", src, fixture.Line(t, src, "local_twice"))
	for _, f := range []*Function{lambda, local} {
		if !f.HasDWARF() || !strings.HasPrefix(f.Name, "main::") {
			t.Errorf("%s: from DWARF %v", f.Name, f.HasDWARF())
		}
	}
	// A static function gets its signature from its symbol, as in gdb.
	sq := oneFunction(t, tab, "square", src, fixture.Line(t, src, "square_body"))
	if sq.Name != "square(int)" {
		t.Errorf("static square named %q, want square(int)", sq.Name)
	}
}

// TestSymbolTableFallback strips the DWARF off a fixture: functions then
// come from .symtab, and have no lines.
func TestSymbolTableFallback(t *testing.T) {
	bin := fixture.C(t, "sym_basic.c")
	stripped := filepath.Join(t.TempDir(), "stripped")
	if out, err := exec.Command("objcopy", "--strip-debug", bin, stripped).CombinedOutput(); err != nil {
		t.Skipf("objcopy --strip-debug: %v\n%s", err, out)
	}
	full := fileTable(t, bin)
	tab := fileTable(t, stripped)
	if _, err := tab.Images()[0].DWARF(); err == nil || tab.Images()[0].HasDebugInfo() {
		t.Fatal("stripped binary still has DWARF")
	}
	for _, name := range []string{"add", "loop_sum", "main"} {
		want, _, err := full.FunctionAddresses(name)
		if err != nil {
			t.Fatal(err)
		}
		fns, addrs, err := tab.FunctionAddresses(name)
		if err != nil || len(fns) != 1 {
			t.Fatalf("%s in stripped binary: %v, %v", name, fns, err)
		}
		f := fns[0]
		// Without a line table the breakpoint goes on the entry itself.
		if f.Entry != want[0].Entry || f.End != want[0].End || addrs[0] != f.Entry || f.HasDWARF() {
			t.Errorf("%s from .symtab: entry %#x end %#x bp %#x, want entry %#x end %#x", name, f.Entry, f.End, addrs[0], want[0].Entry, want[0].End)
		}
		if got, ok := tab.FunctionAt(f.Entry + 1); !ok || got.Name != name {
			t.Errorf("FunctionAt(%#x) = %v, want %s", f.Entry+1, got, name)
		}
		if loc, ok := tab.LocationAt(f.Entry); ok {
			t.Errorf("stripped binary has a location %v", loc)
		}
	}
	if _, _, err := tab.LineAddresses("sym_basic.c", fixture.Line(t, "sym_basic.c", "add_body")); err == nil {
		t.Error("line lookup in a binary without DWARF did not fail")
	}
}
