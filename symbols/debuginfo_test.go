package symbols

import (
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dapproc/dapproc/internal/fixture"
)

// objcopy runs objcopy or skips the test when binutils is missing.
func objcopy(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command("objcopy", args...).CombinedOutput(); err != nil {
		t.Skipf("objcopy %v: %v\n%s", args, err, out)
	}
}

// wantDebugLines checks that the table answers line and function
// questions about sym_basic from its split debug info.
func wantDebugLines(t *testing.T, tab *Table) {
	t.Helper()
	const src = "sym_basic.c"
	oneFunction(t, tab, "loop_sum", src, fixture.Line(t, src, "for_head")-1)
	line := fixture.Line(t, src, "add_body")
	addrs, _, err := tab.LineAddresses(src, line)
	if err != nil || len(addrs) != 1 {
		t.Fatalf("LineAddresses(add_body) = %#x, %v", addrs, err)
	}
	wantLocation(t, tab, addrs[0], src, line, "add")
}

func TestDebugLink(t *testing.T) {
	bin := fixture.C(t, "sym_basic.c")
	dir := t.TempDir()
	debug := filepath.Join(dir, "prog.debug")
	stripped := filepath.Join(dir, "prog")
	objcopy(t, "--only-keep-debug", bin, debug)
	objcopy(t, "--strip-debug", "--remove-section=.note.gnu.build-id", "--add-gnu-debuglink="+debug, bin, stripped)

	tab := fileTable(t, stripped)
	im := tab.Images()[0]
	if im.DebugPath() != debug {
		t.Fatalf("DebugPath = %q, want %q", im.DebugPath(), debug)
	}
	if im.DebugELF().Section(".debug_info") == nil {
		t.Error("DebugELF has no .debug_info")
	}
	wantDebugLines(t, tab)

	// A debug file that does not match the recorded CRC is not used.
	f, err := os.OpenFile(debug, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte{0})
	f.Close()
	stale := fileTable(t, stripped).Images()[0]
	if stale.DebugPath() != "" {
		t.Errorf("a debug file with the wrong CRC was used: %s", stale.DebugPath())
	}
	if _, err := stale.DWARF(); err == nil || !strings.Contains(err.Error(), "no debug info") {
		t.Errorf("DWARF() of a binary whose debug file is stale: err = %v", err)
	}
}

func TestDebugBuildID(t *testing.T) {
	bin := fixture.C(t, "sym_basic.c", "-Wl,--build-id=sha1")
	root := t.TempDir()
	stripped := filepath.Join(t.TempDir(), "prog")
	objcopy(t, "--strip-debug", bin, stripped)
	im, err := OpenImage(bin, 0)
	if err != nil {
		t.Fatal(err)
	}
	id := buildID(im.ELF())
	im.Close()
	if len(id) != 40 {
		t.Fatalf("build-id %q, want 20 bytes of hex", id)
	}
	debug := filepath.Join(root, ".build-id", id[:2], id[2:]+".debug")
	if err := os.MkdirAll(filepath.Dir(debug), 0o755); err != nil {
		t.Fatal(err)
	}
	objcopy(t, "--only-keep-debug", bin, debug)

	old := debugRoot
	debugRoot = root
	t.Cleanup(func() { debugRoot = old })
	tab := fileTable(t, stripped)
	if got := tab.Images()[0].DebugPath(); got != debug {
		t.Fatalf("DebugPath = %q, want %q", got, debug)
	}
	wantDebugLines(t, tab)
}

// TestLibcDebug reads glibc's own functions and lines from Debian's
// libc6-dbg, where it is installed.
func TestLibcDebug(t *testing.T) {
	const libcPath = "/lib/x86_64-linux-gnu/libc.so.6"
	probe, err := OpenImage(libcPath, 0)
	if err != nil {
		t.Skipf("no glibc here: %v", err)
	}
	id := buildID(probe.ELF())
	probe.Close()
	if _, err := os.Stat(filepath.Join(debugRoot, ".build-id", id[:2], id[2:]+".debug")); err != nil {
		t.Skip("libc6-dbg is not installed (apt-get install libc6-dbg)")
	}
	tab := fileTable(t, libcPath)
	im := tab.Images()[0]
	if im.DebugPath() == "" {
		t.Fatal("libc's debug file was not found")
	}
	// malloc is an alias of __libc_malloc, which DWARF describes. At -O2
	// its body starts at the entry (gdb's `break malloc` agrees).
	fns, addrs, err := tab.FunctionAddresses("malloc")
	if err != nil || len(fns) != 1 {
		t.Fatalf("malloc: %v, %v", fns, err)
	}
	f := fns[0]
	if !f.HasDWARF() || !strings.HasSuffix(f.File, "malloc.c") || addrs[0] < f.Entry || addrs[0] >= f.End {
		t.Errorf("malloc: %s entry %#x end %#x file %s dwarf %v, body at %#x; want a DWARF function in malloc.c", f.Name, f.Entry, f.End, f.File, f.HasDWARF(), addrs[0])
	}
	loc, ok := tab.LocationAt(addrs[0])
	if !ok || !strings.HasSuffix(loc.File, "malloc.c") || loc.Line < f.Line {
		t.Errorf("LocationAt(malloc body) = %v, want malloc.c from line %d", loc, f.Line)
	}
	// The function's own declaration line, found by file and line.
	lineAddrs, _, err := tab.LineAddresses(f.File, f.Line)
	if err != nil || len(lineAddrs) == 0 {
		t.Fatalf("LineAddresses(%s:%d) = %v", f.File, f.Line, err)
	}
	inMalloc := false
	for _, a := range lineAddrs {
		if g, ok := tab.FunctionAt(a); ok && g == f {
			inMalloc = true
		}
	}
	if !inMalloc {
		t.Errorf("LineAddresses(%s:%d) = %#x, none in %s", f.File, f.Line, lineAddrs, f.Name)
	}
}

// gdbBreak is where gdb's `break NAME` goes: its lowest address and how
// many locations (several when the function was also inlined).
type gdbBreak struct {
	addr      uint64
	locations int
}

// gdbBreaks asks gdb where `break NAME` goes for each name, in a binary
// that is not running (link-time addresses).
func gdbBreaks(t *testing.T, bin string, names []string) []gdbBreak {
	t.Helper()
	args := []string{"-batch", "-nx"}
	for _, n := range names {
		args = append(args, "-ex", "break "+n)
	}
	out, err := exec.Command("gdb", append(args, bin)...).CombinedOutput()
	if err != nil {
		t.Fatalf("gdb: %v\n%s", err, out)
	}
	var res []gdbBreak
	for _, l := range strings.Split(string(out), "\n") {
		// Breakpoint 3 at 0x10e0: wait_for_input. (2 locations)
		var n int
		b := gdbBreak{locations: 1}
		if _, err := fmt.Sscanf(l, "Breakpoint %d at %v", &n, &b.addr); err != nil {
			continue
		}
		if i := strings.LastIndex(l, "("); i >= 0 {
			fmt.Sscanf(l[i:], "(%d locations)", &b.locations)
		}
		res = append(res, b)
	}
	if len(res) != len(names) {
		t.Fatalf("gdb set %d breakpoints for %d names:\n%s", len(res), len(names), out)
	}
	return res
}

// TestBodyEntryAgainstGDB: function breakpoints go where gdb puts them, in
// gcc -O0 and -O2 code (with inlined copies) and in glibc (with libc6-dbg,
// where installed).
func TestBodyEntryAgainstGDB(t *testing.T) {
	if _, err := exec.LookPath("gdb"); err != nil {
		t.Skip("gdb not installed")
	}
	cases := []struct {
		bin   string
		names []string
	}{
		{fixture.C(t, "sym_basic.c"), []string{"add", "loop_sum", "wait_for_input", "main", "twice"}},
		{fixture.C(t, "sym_basic.c", "-O2"), []string{"add", "loop_sum", "wait_for_input", "main"}},
		{fixture.C(t, "sym_lib.c", "-shared", "-fPIC", "-O2"), []string{"sym_lib_triple"}},
	}
	if tab := fileTable(t, "/lib/x86_64-linux-gnu/libc.so.6"); tab.Images()[0].DebugPath() != "" {
		cases = append(cases, struct {
			bin   string
			names []string
		}{"/lib/x86_64-linux-gnu/libc.so.6", []string{"malloc", "free", "__libc_read", "qsort", "strtol"}})
	}
	for _, c := range cases {
		tab := fileTable(t, c.bin)
		want := gdbBreaks(t, c.bin, c.names)
		for i, n := range c.names {
			_, addrs, err := tab.FunctionAddresses(n)
			if err != nil || len(addrs) != want[i].locations || slices.Min(addrs) != want[i].addr {
				t.Errorf("%s in %s: %#x, %v; gdb breaks at %#x in %d locations", n, filepath.Base(c.bin), addrs, err, want[i].addr, want[i].locations)
			}
		}
	}
}

// TestCompressedSections reads DWARF compressed the old GNU way (.zdebug_*
// sections) and the ELF way (SHF_COMPRESSED, zlib and zstd where objcopy
// supports it).
func TestCompressedSections(t *testing.T) {
	bin := fixture.C(t, "sym_basic.c")
	for _, how := range []string{"zlib-gnu", "zlib", "zstd"} {
		t.Run(how, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "prog")
			objcopy(t, "--compress-debug-sections="+how, bin, out)
			tab := fileTable(t, out)
			f := tab.Images()[0].ELF()
			compressed := f.Section(".zdebug_info") != nil
			if s := f.Section(".debug_info"); s != nil && s.Flags&elf.SHF_COMPRESSED != 0 {
				compressed = true
			}
			if !compressed {
				t.Fatalf("objcopy --compress-debug-sections=%s left .debug_info uncompressed", how)
			}
			wantDebugLines(t, tab)
		})
	}
}
