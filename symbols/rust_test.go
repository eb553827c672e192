package symbols

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dapproc/dapproc/internal/fixture"
)

// rustFixture compiles testdata/name with rustc -g, cached under the temp
// directory by source and compiler version. internal/fixture builds C, C++
// and Go only.
func rustFixture(t *testing.T, name string) string {
	t.Helper()
	rustc, err := exec.LookPath("rustc")
	if err != nil {
		t.Skip("rustc not installed")
	}
	src := fixture.Source(t, name)
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	ver, _ := exec.Command(rustc, "--version").Output()
	h := sha256.Sum256(append(append(data, ver...), src...))
	dir := filepath.Join(os.TempDir(), "dapproc-fixtures")
	out := filepath.Join(dir, fmt.Sprintf("%s-%s", name[:len(name)-3], hex.EncodeToString(h[:8])))
	if _, err := os.Stat(out); err == nil {
		return out
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(t.TempDir(), "bin")
	if msg, err := exec.Command(rustc, "-g", "-C", "opt-level=0", "-o", tmp, src).CombinedOutput(); err != nil {
		t.Fatalf("rustc %s: %v\n%s", name, err, msg)
	}
	bin, err := os.ReadFile(tmp)
	if err != nil {
		t.Fatal(err)
	}
	// Write a fresh file and rename it into place, so a parallel test
	// process never runs a half-written binary.
	part := fmt.Sprintf("%s.%d", out, os.Getpid())
	if err := os.WriteFile(part, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(part, out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRustBinary(t *testing.T) {
	const src = "sym_rust.rs"
	bin := rustFixture(t, src)
	tab := fileTable(t, bin)
	line := func(m string) int { return fixture.Line(t, src, m) }

	helper := oneFunction(t, tab, "sym_rust::helper", src, line("rust_helper"))
	if helper.Name != "sym_rust::helper" || len(helper.Mangled) < 3 || helper.Mangled[:3] != "_ZN" {
		t.Errorf("helper named %q mangled %q", helper.Name, helper.Mangled)
	}
	oneFunction(t, tab, "sym_rust::shapes::Square::area", src, line("rust_area"))
	oneFunction(t, tab, "sym_rust::main", src, line("rust_main")-1)

	addrs, _, err := tab.LineAddresses(fixture.Source(t, src), line("rust_area"))
	if err != nil || len(addrs) != 1 {
		t.Fatalf("LineAddresses(rust_area) = %#x, %v", addrs, err)
	}
	wantLocation(t, tab, addrs[0], src, line("rust_area"), "sym_rust::shapes::Square::area")

	// Every line breakpoint goes where gdb puts it.
	if _, err := exec.LookPath("gdb"); err == nil {
		data, err := os.ReadFile(fixture.Source(t, src))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Count(string(data), "\n")
		want := gdbLineBreaks(t, bin, fixture.Source(t, src), lines)
		for l := 1; l <= lines; l++ {
			addrs, actual, err := tab.LineAddresses(fixture.Source(t, src), l)
			w, ok := want[l]
			if ok != (err == nil) || ok && (!slices.Equal(addrs, w.addrs) || actual != w.line) {
				t.Errorf("line %d: %#x on line %d (%v); gdb breaks at %#x on line %d", l, addrs, actual, err, w.addrs, w.line)
			}
		}
	}

	// Every byte of the crate's functions agrees with addr2line.
	if _, err := exec.LookPath("addr2line"); err != nil {
		return
	}
	var all []uint64
	for _, name := range []string{"sym_rust::helper", "sym_rust::shapes::Square::area", "sym_rust::main"} {
		fns, _, err := tab.FunctionAddresses(name)
		if err != nil {
			t.Fatal(err)
		}
		for a := fns[0].Entry; a < fns[0].End; a++ {
			all = append(all, a)
		}
	}
	want := addr2line(t, bin, all)
	bad := 0
	for i, a := range all {
		if got := ourChain(tab, a); fmt.Sprint(got) != fmt.Sprint(want[i]) {
			bad++
			if bad <= 10 {
				t.Errorf("%#x: got %v, addr2line says %v", a, got, want[i])
			}
		}
	}
	t.Logf("%d addresses compared, %d differ", len(all), bad)
}
