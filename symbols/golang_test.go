package symbols

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dapproc/dapproc/internal/fixture"
)

func TestGoBinary(t *testing.T) {
	const src = "symgo/main.go"
	bin := fixture.Go(t, "symgo")
	tab := fileTable(t, bin)
	line := func(m string) int { return fixture.Line(t, src, m) }

	// Function breakpoints land on the first line of the body, past the
	// stack check and the spill of register arguments.
	oneFunction(t, tab, "main.sum", "main.go", line("go_sum_body"))
	bump := oneFunction(t, tab, "main.(*counter).bump", "main.go", line("go_bump"))
	if bump.Mangled != "" || bump.Line != line("go_bump")-1 {
		t.Errorf("bump: mangled %q declared on line %d, want unmangled on %d", bump.Mangled, bump.Line, line("go_bump")-1)
	}
	oneFunction(t, tab, "main.main.func1", "main.go", line("go_closure"))

	// A loop body line: one place, in main.sum.
	addrs, actual, err := tab.LineAddresses(fixture.Source(t, src), line("go_sum_loop"))
	if err != nil || actual != line("go_sum_loop") || len(addrs) != 1 {
		t.Fatalf("LineAddresses(go_sum_loop) = %#x line %d, %v", addrs, actual, err)
	}
	wantLocation(t, tab, addrs[0], "main.go", line("go_sum_loop"), "main.sum")

	// The runtime is there too, with its own files.
	fns, _, err := tab.FunctionAddresses("runtime.goexit")
	if err != nil || len(fns) != 1 || !strings.HasSuffix(fns[0].File, ".s") {
		t.Errorf("runtime.goexit: %v %v", fns, err)
	}
	if fns, _, err := tab.FunctionAddresses("runtime.mallocgc"); err != nil || !strings.HasSuffix(fns[0].File, "runtime/malloc.go") {
		t.Errorf("runtime.mallocgc: %v %v", fns, err)
	}
}

// gdbLines asks gdb (`info line *ADDR`, one batch) for the line and
// function at each address. binutils' addr2line cannot read the line
// tables of Go 1.26 binaries (it answers go.go:0), gdb can.
func gdbLines(t *testing.T, bin string, addrs []uint64) []frameLine {
	t.Helper()
	args := []string{"-batch", "-nx"}
	for _, a := range addrs {
		args = append(args, "-ex", fmt.Sprintf("info line *%#x", a))
	}
	out, err := exec.Command("gdb", append(args, bin)...).Output()
	if err != nil {
		t.Fatalf("gdb: %v", err)
	}
	var res []frameLine
	for _, l := range strings.Split(string(out), "\n") {
		// Line 12 of "/x/main.go" starts at address 0x4bcd8d <main.f+13> and ends at ...
		// No line number information available for address 0x4bcd8d <main.f+13>
		var fl frameLine
		switch {
		case strings.HasPrefix(l, "Line "):
			fmt.Sscanf(l, "Line %d of", &fl.line)
			q := strings.Split(l, "\"")
			if len(q) < 3 {
				continue
			}
			fl.file = filepath.Base(q[1])
		case strings.HasPrefix(l, "No line number"):
			fl.file = "??"
		default:
			continue
		}
		if i, j := strings.Index(l, "<"), strings.Index(l, ">"); i >= 0 && j > i {
			fl.fn = l[i+1 : j]
			if k := strings.LastIndex(fl.fn, "+"); k >= 0 {
				fl.fn = fl.fn[:k]
			}
		}
		res = append(res, fl)
	}
	if len(res) != len(addrs) {
		t.Fatalf("gdb answered for %d addresses, asked %d", len(res), len(addrs))
	}
	return res
}

// TestGoAgainstGDB checks line and function at every byte of the main
// package's functions.
func TestGoAgainstGDB(t *testing.T) {
	if _, err := exec.LookPath("gdb"); err != nil {
		t.Skip("gdb not installed")
	}
	bin := fixture.Go(t, "symgo")
	tab := fileTable(t, bin)
	var addrs []uint64
	for _, name := range []string{"main.main", "main.sum", "main.(*counter).bump", "main.main.func1"} {
		fns, _, err := tab.FunctionAddresses(name)
		if err != nil {
			t.Fatal(err)
		}
		for a := fns[0].Entry; a < fns[0].End; a++ {
			addrs = append(addrs, a)
		}
	}
	want := gdbLines(t, bin, addrs)
	bad := 0
	for i, a := range addrs {
		got := frameLine{"??", "??", 0}
		if f, ok := tab.FunctionAt(a); ok {
			got.fn = f.Name
		}
		if loc, ok := tab.LocationAt(a); ok {
			got.file, got.line = filepath.Base(loc.File), loc.Line
		}
		if got != want[i] {
			bad++
			if bad <= 10 {
				t.Errorf("%#x: got %v, gdb says %v", a, got, want[i])
			}
		}
	}
	t.Logf("%d addresses compared, %d differ", len(addrs), bad)
}
