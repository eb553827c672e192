package symbols

import (
	"bufio"
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dapproc/dapproc/internal/fixture"
)

// frameLine is one line pair of `addr2line -f -i`: a function and a
// position, innermost first.
type frameLine struct {
	fn   string
	file string // base name
	line int
}

func (f frameLine) String() string { return fmt.Sprintf("%s at %s:%d", f.fn, f.file, f.line) }

// addr2line runs binutils' addr2line once for all addrs and returns, per
// address, the inline chain it prints.
func addr2line(t *testing.T, bin string, addrs []uint64) [][]frameLine {
	t.Helper()
	args := []string{"-a", "-f", "-i", "-C", "-e", bin}
	for _, a := range addrs {
		args = append(args, fmt.Sprintf("%#x", a))
	}
	out, err := exec.Command("addr2line", args...).Output()
	if err != nil {
		t.Fatalf("addr2line: %v", err)
	}
	var res [][]frameLine
	sc := bufio.NewScanner(bytes.NewReader(out))
	var fn string
	for n := 0; sc.Scan(); n++ {
		text := sc.Text()
		if strings.HasPrefix(text, "0x") {
			res = append(res, nil)
			n = -1
			continue
		}
		if n%2 == 0 {
			fn = text
			continue
		}
		pos, _, _ := strings.Cut(text, " (discriminator")
		file, line, _ := strings.Cut(pos, ":")
		l, _ := strconv.Atoi(line)
		if l == 0 {
			// Line 0: code the compiler made up (LLVM's panic paths).
			// We report no location there; compare the function.
			file = "?"
		}
		res[len(res)-1] = append(res[len(res)-1], frameLine{fn, filepath.Base(file), l})
	}
	if len(res) != len(addrs) {
		t.Fatalf("addr2line answered for %d addresses, asked %d", len(res), len(addrs))
	}
	return res
}

// ourChain renders FunctionAt, LocationAt and InlineStack the way
// addr2line -f -i prints them.
func ourChain(tab *Table, pc uint64) []frameLine {
	f, ok := tab.FunctionAt(pc)
	loc, hasLoc := tab.LocationAt(pc)
	if !ok {
		return []frameLine{{"??", "??", 0}}
	}
	if !hasLoc {
		return []frameLine{{f.Name, "?", 0}}
	}
	var out []frameLine
	pos := loc
	for _, c := range tab.InlineStack(pc) {
		out = append(out, frameLine{c.Function, filepath.Base(pos.File), pos.Line})
		pos = c.CallSite
	}
	return append(out, frameLine{f.Name, filepath.Base(pos.File), pos.Line})
}

// TestAgainstAddr2line compares function, inline chain and line at every
// byte of every function with binutils' answer.
func TestAgainstAddr2line(t *testing.T) {
	if _, err := exec.LookPath("addr2line"); err != nil {
		t.Skip("addr2line not installed")
	}
	for _, b := range []struct {
		src   string
		flags []string
	}{
		{"sym_basic.c", nil},
		{"sym_basic.c", []string{"-O2"}},
		{"sym_basic.c", []string{"-O2", "-gdwarf-4", "-no-pie"}},
		{"sym_cpp.cpp", nil},
		{"sym_cpp.cpp", []string{"-O2"}},
	} {
		t.Run(b.src+strings.Join(b.flags, ""), func(t *testing.T) {
			bin := fixture.C(t, b.src, b.flags...)
			tab := fileTable(t, bin)
			ix, err := tab.Images()[0].index()
			if err != nil {
				t.Fatal(err)
			}
			var addrs []uint64
			for _, u := range ix.units {
				fs, err := u.functions()
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range fs {
					for _, rg := range f.Ranges {
						for a := rg[0]; a < rg[1]; a++ {
							addrs = append(addrs, a)
						}
					}
				}
			}
			if len(addrs) < 50 {
				t.Fatalf("only %d statement addresses", len(addrs))
			}
			want := addr2line(t, bin, addrs)
			bad := 0
			for i, a := range addrs {
				got := ourChain(tab, a)
				// binutils names an inlined C++ function that has no
				// linkage name (static inline) after its caller; gdb's bt
				// names it from DW_AT_name, as we do. Compare the rest.
				for k := 0; k+1 < len(want[i]) && k+1 < len(got); k++ {
					if want[i][k].fn == want[i][k+1].fn && got[k].fn != got[k+1].fn && b.src == "sym_cpp.cpp" {
						want[i][k].fn = got[k].fn
					}
				}
				if fmt.Sprint(got) != fmt.Sprint(want[i]) {
					bad++
					if bad <= 10 {
						t.Errorf("%#x: got %v, addr2line says %v", a, got, want[i])
					}
				}
			}
			t.Logf("%d addresses compared, %d differ", len(addrs), bad)
		})
	}
}
