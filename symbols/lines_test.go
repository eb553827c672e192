package symbols

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dapproc/dapproc/internal/fixture"
)

// fileTable opens the binary at path as the only image of a table, at
// bias 0, so run-time addresses are link-time addresses (what addr2line
// and objdump print).
func fileTable(t testing.TB, path string) *Table {
	t.Helper()
	im, err := OpenImage(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { im.Close() })
	tab := NewTable()
	tab.Add(im)
	return tab
}

// basicBuilds are the ways sym_basic.c is compiled: the line and function
// code must give the same answers for each.
var basicBuilds = []struct {
	name  string
	flags []string
}{
	{"pie-dwarf5", nil},
	{"no-pie", []string{"-no-pie"}},
	{"dwarf4", []string{"-gdwarf-4"}},
	{"compressed-zlib", []string{"-gz=zlib"}},
}

// wantLocation checks that addr maps back to the marker's line in file
// and lies in function fn.
func wantLocation(t *testing.T, tab *Table, addr uint64, file string, line int, fn string) {
	t.Helper()
	loc, ok := tab.LocationAt(addr)
	if !ok {
		t.Errorf("LocationAt(%#x): no location", addr)
	} else if loc.Line != line || filepath.Base(loc.File) != file {
		t.Errorf("LocationAt(%#x) = %s, want %s:%d", addr, loc, file, line)
	}
	f, ok := tab.FunctionAt(addr)
	if !ok {
		t.Errorf("FunctionAt(%#x): no function", addr)
	} else if f.Name != fn {
		t.Errorf("FunctionAt(%#x) = %s, want %s", addr, f.Name, fn)
	}
}

func TestLineAddresses(t *testing.T) {
	const src = "sym_basic.c"
	for _, b := range basicBuilds {
		t.Run(b.name, func(t *testing.T) {
			tab := fileTable(t, fixture.C(t, src, b.flags...))

			addBody := fixture.Line(t, src, "add_body")
			addrs, actual, err := tab.LineAddresses(fixture.Source(t, src), addBody)
			if err != nil {
				t.Fatal(err)
			}
			if actual != addBody || len(addrs) != 1 {
				t.Fatalf("add_body line %d: addrs %#x actual %d, want one address on line %d", addBody, addrs, actual, addBody)
			}
			wantLocation(t, tab, addrs[0], src, addBody, "add")

			// A loop header: init, increment and condition share the
			// line; a breakpoint there stops once, at the init.
			forHead := fixture.Line(t, src, "for_head")
			addrs, _, err = tab.LineAddresses(fixture.Source(t, src), forHead)
			if err != nil {
				t.Fatal(err)
			}
			if len(addrs) != 1 {
				t.Fatalf("for_head: %d addresses %#x, want 1", len(addrs), addrs)
			}
			wantLocation(t, tab, addrs[0], src, forHead, "loop_sum")

			// A line without code moves to the next line that has some.
			noCode := fixture.Line(t, src, "no_code")
			after := fixture.Line(t, src, "after_gap")
			addrs, actual, err = tab.LineAddresses(fixture.Source(t, src), noCode)
			if err != nil {
				t.Fatal(err)
			}
			if actual != after || len(addrs) != 1 {
				t.Fatalf("no_code line %d resolved to line %d at %#x, want line %d once", noCode, actual, addrs, after)
			}
			wantLocation(t, tab, addrs[0], src, after, "loop_sum")

			// The opening line of a function lands past the prologue, on
			// the first line of the body, and says so (as gdb does).
			open := fixture.Line(t, src, "add_open")
			addrs, actual, err = tab.LineAddresses(fixture.Source(t, src), open)
			if err != nil {
				t.Fatal(err)
			}
			if actual != addBody || len(addrs) != 1 {
				t.Fatalf("add_open: addrs %#x actual %d, want one address on line %d", addrs, actual, addBody)
			}
			wantLocation(t, tab, addrs[0], src, addBody, "add")

			// An always-inline helper called twice has two places.
			twiceBody := fixture.Line(t, src, "twice_body")
			addrs, _, err = tab.LineAddresses(fixture.Source(t, src), twiceBody)
			if err != nil {
				t.Fatal(err)
			}
			if len(addrs) != 2 {
				t.Fatalf("twice_body: %d addresses %#x, want 2 (inlined into loop_sum and main)", len(addrs), addrs)
			}
			callers := map[string]int{
				"loop_sum": fixture.Line(t, src, "loop_body"),
				"main":     fixture.Line(t, src, "main_call"),
			}
			for _, a := range addrs {
				f, ok := tab.FunctionAt(a)
				if !ok {
					t.Fatalf("FunctionAt(%#x): none", a)
				}
				wantLocation(t, tab, a, src, twiceBody, f.Name)
				callLine, known := callers[f.Name]
				if !known {
					t.Errorf("twice inlined into %s, want loop_sum or main", f.Name)
					continue
				}
				delete(callers, f.Name)
				stack := tab.InlineStack(a)
				if len(stack) != 1 || stack[0].Function != "twice" || stack[0].CallSite.Line != callLine ||
					filepath.Base(stack[0].CallSite.File) != src {
					t.Errorf("InlineStack(%#x) in %s = %+v, want [twice called from %s:%d]", a, f.Name, stack, src, callLine)
					continue
				}
				// The copy's ranges hold the address, inside the caller, and
				// every address in them is twice's line or the call's.
				in := false
				for _, r := range stack[0].Ranges {
					if r[0] < f.Entry || r[1] > f.End {
						t.Errorf("inlined range %#x outside %s [%#x, %#x)", r, f.Name, f.Entry, f.End)
					}
					in = in || a >= r[0] && a < r[1]
					for pc := r[0]; pc < r[1]; pc++ {
						if loc, _ := tab.LocationAt(pc); loc.Line != twiceBody && loc.Line != callLine {
							t.Errorf("%#x in inlined twice is at %v", pc, loc)
						}
					}
				}
				if !in {
					t.Errorf("inlined ranges %#x do not hold %#x", stack[0].Ranges, a)
				}
			}
		})
	}
}

func TestLineAddressesPathMatching(t *testing.T) {
	const src = "sym_basic.c"
	tab := fileTable(t, fixture.C(t, src))
	line := fixture.Line(t, src, "add_body")
	want, _, err := tab.LineAddresses(fixture.Source(t, src), line)
	if err != nil {
		t.Fatal(err)
	}
	// The editor sees the sources under another prefix, or on Windows.
	for _, p := range []string{
		"/elsewhere/checkout/testdata/sym_basic.c",
		`C:\Users\me\dapproc\testdata\sym_basic.c`,
		"sym_basic.c",
	} {
		got, actual, err := tab.LineAddresses(p, line)
		if err != nil {
			t.Errorf("LineAddresses(%q): %v", p, err)
			continue
		}
		if actual != line || len(got) != 1 || got[0] != want[0] {
			t.Errorf("LineAddresses(%q) = %#x line %d, want %#x line %d", p, got, actual, want, line)
		}
	}
	if _, _, err := tab.LineAddresses("/src/sym_basic.h", line); err == nil || !strings.Contains(err.Error(), "sym_basic.h") {
		t.Errorf("a file the program does not have: err = %v, want an error naming it", err)
	}
	if _, _, err := tab.LineAddresses(src, 100000); err == nil {
		t.Errorf("a line past the end of the file: no error")
	}
	if _, _, err := tab.LineAddresses(src, 0); err == nil {
		t.Errorf("line 0: no error")
	}
}

func TestSources(t *testing.T) {
	tab := fileTable(t, fixture.C(t, "sym_basic.c"))
	srcs := tab.Sources()
	want := fixture.Source(t, "sym_basic.c")
	found := false
	for _, s := range srcs {
		if s == want {
			found = true
		}
		if !filepath.IsAbs(s) {
			t.Errorf("source %q is not absolute", s)
		}
	}
	if !found {
		t.Errorf("Sources() = %q, want it to list %s", srcs, want)
	}
}

// gdbLineBreaks sets `break src:L` in gdb for every line L of the file (one
// batch) and returns, per line that gdb accepted, the sorted addresses of
// its locations and the line gdb reports them on.
func gdbLineBreaks(t *testing.T, bin, src string, lines int) map[int]lineBreak {
	t.Helper()
	args := []string{"-batch", "-nx"}
	for l := 1; l <= lines; l++ {
		args = append(args, "-ex", fmt.Sprintf("echo @%d\\n", l), "-ex", fmt.Sprintf("break %s:%d", src, l))
	}
	args = append(args, "-ex", "info breakpoints", bin)
	// gdb flushes stdout before it writes an error, so one pipe for both
	// keeps the order.
	out, err := exec.Command("gdb", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("gdb: %v\n%s", err, out)
	}
	location := regexp.MustCompile(`^(\d+)(\.\d+)?\s.*\s(0x[0-9a-f]+) in .* at \S+:(\d+)$`)
	lineOf := map[int]int{} // breakpoint number -> requested line
	res := map[int]lineBreak{}
	cur := 0
	for _, l := range strings.Split(string(out), "\n") {
		var n int
		if _, err := fmt.Sscanf(l, "@%d", &cur); err == nil && strings.HasPrefix(l, "@") {
			continue
		}
		if _, err := fmt.Sscanf(l, "Breakpoint %d at", &n); err == nil {
			lineOf[n] = cur
			continue
		}
		m := location.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		n, _ = strconv.Atoi(m[1])
		a, _ := strconv.ParseUint(m[3][2:], 16, 64)
		at, _ := strconv.Atoi(m[4])
		req, ok := lineOf[n]
		if !ok {
			t.Fatalf("gdb listed breakpoint %d it did not announce:\n%s", n, out)
		}
		b := res[req]
		b.addrs = append(b.addrs, a)
		b.line = at
		res[req] = b
	}
	for l, b := range res {
		slices.Sort(b.addrs)
		res[l] = b
	}
	return res
}

type lineBreak struct {
	addrs []uint64
	line  int
}

// TestLineAddressesAgainstGDB: for every line of the C and C++ fixtures,
// at -O0 and -O2, a line breakpoint gets the same addresses and reported
// line as gdb's `break file:line` (which moves to the next line with code,
// skips prologues, and puts one location per function or inlined copy).
func TestLineAddressesAgainstGDB(t *testing.T) {
	if _, err := exec.LookPath("gdb"); err != nil {
		t.Skip("gdb not installed")
	}
	for _, b := range []struct {
		src   string
		flags []string
	}{
		{"sym_basic.c", nil},
		{"sym_basic.c", []string{"-O2"}},
		{"sym_cpp.cpp", nil},
		{"sym_cpp.cpp", []string{"-O2"}},
	} {
		t.Run(b.src+strings.Join(b.flags, ""), func(t *testing.T) {
			bin := fixture.C(t, b.src, b.flags...)
			tab := fileTable(t, bin)
			data, err := os.ReadFile(fixture.Source(t, b.src))
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Count(string(data), "\n")
			want := gdbLineBreaks(t, bin, b.src, lines)
			if len(want) < lines/2 {
				t.Fatalf("gdb accepted only %d of %d lines", len(want), lines)
			}
			for l := 1; l <= lines; l++ {
				addrs, actual, err := tab.LineAddresses(b.src, l)
				w, ok := want[l]
				switch {
				case !ok && err == nil:
					t.Errorf("line %d: %#x on line %d; gdb finds no code", l, addrs, actual)
				case ok && err != nil:
					t.Errorf("line %d: %v; gdb breaks at %#x on line %d", l, err, w.addrs, w.line)
				case ok && (!slices.Equal(addrs, w.addrs) || actual != w.line):
					t.Errorf("line %d: %#x on line %d; gdb breaks at %#x on line %d", l, addrs, actual, w.addrs, w.line)
				}
			}
		})
	}
}
