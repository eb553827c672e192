package symbols

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// The big program of the speed goals: 40 files, 20,000 functions, made by
// /work/shared/bench/targets/gen_big.py and compiled with gcc -g -O0. It is
// built once per machine and kept under the temp directory, keyed by the
// generator's content and the compiler version.

var (
	bigOnce sync.Once
	bigBin  string
	bigSrc  string
	bigErr  error
)

func bigProgram(b *testing.B) (bin, srcDir string) {
	b.Helper()
	bigOnce.Do(func() { bigBin, bigSrc, bigErr = buildBig() })
	if bigErr != nil {
		b.Skip(bigErr)
	}
	return bigBin, bigSrc
}

func buildBig() (string, string, error) {
	gen := os.Getenv("DAPPROC_GEN_BIG")
	if gen == "" {
		gen = "/work/shared/bench/targets/gen_big.py"
	}
	script, err := os.ReadFile(gen)
	if err != nil {
		return "", "", fmt.Errorf("generator not found (set DAPPROC_GEN_BIG): %w", err)
	}
	if _, err := exec.LookPath("python3"); err != nil {
		return "", "", fmt.Errorf("python3 is needed to generate the big program: %w", err)
	}
	ver, _ := exec.Command("gcc", "--version").Output()
	h := sha256.Sum256(append(script, ver...))
	dir := filepath.Join(os.TempDir(), "dapproc-fixtures", "big-"+hex.EncodeToString(h[:8]))
	bin := filepath.Join(dir, "big")
	src := filepath.Join(dir, "src")
	if _, err := os.Stat(bin); err == nil {
		return bin, src, nil
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "big-build-*")
	if err != nil {
		return "", "", err
	}
	defer os.RemoveAll(tmp)
	run := func(dir string, name string, args ...string) error {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, out)
		}
		return nil
	}
	tsrc := filepath.Join(tmp, "src")
	if err := run(tmp, "python3", gen, tsrc, "--files", "40", "--funcs", "20000"); err != nil {
		return "", "", err
	}
	files, _ := filepath.Glob(filepath.Join(tsrc, "*.c"))
	// Compile on every core, then link.
	errs := make(chan error, len(files))
	sem := make(chan struct{}, runtime.NumCPU())
	var objs []string
	for _, f := range files {
		obj := strings.TrimSuffix(f, ".c") + ".o"
		objs = append(objs, obj)
		go func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			errs <- run(tsrc, "gcc", "-g", "-O0", "-c", "-o", obj, f)
		}()
	}
	for range files {
		if err := <-errs; err != nil {
			return "", "", err
		}
	}
	if err := run(tsrc, "gcc", append([]string{"-g", "-O0", "-o", filepath.Join(tmp, "big")}, objs...)...); err != nil {
		return "", "", err
	}
	for _, o := range objs {
		os.Remove(o)
	}
	// Sources must stay where DWARF says they were compiled: keep the
	// build directory under its final name.
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(bin); statErr == nil {
			return bin, src, nil // another process won the race
		}
		return "", "", err
	}
	return bin, src, nil
}

// findComment returns the 1-based line of path that contains text.
func findComment(b *testing.B, path, text string) int {
	b.Helper()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.Contains(sc.Text(), text) {
			return n
		}
	}
	b.Fatalf("%s has no line with %q", path, text)
	return 0
}

// findLine returns the 1-based line of path that is text.
func findLine(b *testing.B, path, text string) int {
	b.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	for n, l := range strings.Split(string(data), "\n") {
		if l == text {
			return n + 1
		}
	}
	b.Fatalf("%s has no line %q", path, text)
	return 0
}

// heapAfter reports the live heap that op leaves behind (what it keeps
// reachable through its result), in MB.
func heapAfter(op func() any) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	keep := op()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(keep)
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / (1 << 20)
}

// BenchmarkBigOpenFirstLine: open the big program and resolve the marker
// line of its last file. Goal: < 50 ms, < 40 MB of live heap.
func BenchmarkBigOpenFirstLine(b *testing.B) {
	bin, src := bigProgram(b)
	file := filepath.Join(src, "big_039.c")
	line := findComment(b, file, "BREAK big")
	openAndLookup := func() *Table {
		im, err := OpenImage(bin, 0)
		if err != nil {
			b.Fatal(err)
		}
		tab := NewTable()
		tab.Add(im)
		addrs, actual, err := tab.LineAddresses(file, line)
		if err != nil || actual != line || len(addrs) != 1 {
			b.Fatalf("LineAddresses(big_039.c:%d) = %#x line %d, %v", line, addrs, actual, err)
		}
		if f, ok := tab.FunctionAt(addrs[0]); !ok || f.Name != "big_marker" {
			b.Fatalf("marker line is in %v, want big_marker", f)
		}
		return tab
	}
	heap := heapAfter(func() any { t := openAndLookup(); return t })
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		tab := openAndLookup()
		tab.Images()[0].Close()
	}
	b.ReportMetric(heap, "live-MB")
}

// BenchmarkBigLookups: on an open table, resolve a line in the middle of
// a file, the function and location at its address, and a function by
// name (all warm).
func BenchmarkBigLookups(b *testing.B) {
	bin, src := bigProgram(b)
	tab := fileTableB(b, bin)
	file := filepath.Join(src, "big_020.c")
	line := findLine(b, file, "long f_020_0250(long x, struct rec_20 *r)") + 3
	if _, _, err := tab.FunctionAddresses("f_020_0250"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		addrs, _, err := tab.LineAddresses(file, line)
		if err != nil || len(addrs) != 1 {
			b.Fatalf("LineAddresses: %#x %v", addrs, err)
		}
		if f, ok := tab.FunctionAt(addrs[0]); !ok || f.Name != "f_020_0250" {
			b.Fatalf("FunctionAt = %v", f)
		}
		if loc, ok := tab.LocationAt(addrs[0]); !ok || loc.Line != line {
			b.Fatalf("LocationAt = %v", loc)
		}
		if fns, _, err := tab.FunctionAddresses("f_031_0400"); err != nil || len(fns) != 1 {
			b.Fatalf("FunctionAddresses: %v", err)
		}
	}
}

// BenchmarkBigOpenFindByName: open and set a function breakpoint by name
// (which indexes every function's name).
func BenchmarkBigOpenFindByName(b *testing.B) {
	bin, _ := bigProgram(b)
	b.ReportAllocs()
	for b.Loop() {
		im, err := OpenImage(bin, 0)
		if err != nil {
			b.Fatal(err)
		}
		tab := NewTable()
		tab.Add(im)
		if fns, _, err := tab.FunctionAddresses("f_039_0499"); err != nil || len(fns) != 1 {
			b.Fatalf("FunctionAddresses: %v %v", fns, err)
		}
		im.Close()
	}
}

func fileTableB(b *testing.B, path string) *Table {
	b.Helper()
	im, err := OpenImage(path, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { im.Close() })
	tab := NewTable()
	tab.Add(im)
	return tab
}

// goroot asks the go command where its GOROOT is.
func goroot(b *testing.B) string {
	b.Helper()
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		b.Skipf("go env GOROOT: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// goWithDWARF returns the go command with its DWARF: the distributed
// binary is linked with -w (no DWARF), so build cmd/go from GOROOT with
// the default flags, once per Go version, under the temp directory.
func goWithDWARF(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(goroot(b), "bin", "go")
	if f, err := OpenImage(bin, 0); err == nil {
		_, derr := f.DWARF()
		f.Close()
		if derr == nil {
			return bin
		}
	}
	out := filepath.Join(os.TempDir(), "dapproc-fixtures", "go-"+runtime.Version())
	if _, err := os.Stat(out); err == nil {
		return out
	}
	tmp := out + fmt.Sprintf(".tmp%d", os.Getpid())
	if msg, err := exec.Command("go", "build", "-o", tmp, "cmd/go").CombinedOutput(); err != nil {
		b.Skipf("go build cmd/go: %v\n%s", err, msg)
	}
	if err := os.Rename(tmp, out); err != nil {
		b.Fatal(err)
	}
	return out
}

// BenchmarkGoToolchainOpen: open the go command (large, with DWARF),
// resolve a line of its main.go and look main.main up by name and by
// address. Goal: < 300 ms.
func BenchmarkGoToolchainOpen(b *testing.B) {
	bin := goWithDWARF(b)
	mainGo := filepath.Join(goroot(b), "src", "cmd", "go", "main.go")
	line := findLine(b, mainGo, "func main() {") + 1
	var heap float64
	op := func() *Table {
		im, err := OpenImage(bin, 0)
		if err != nil {
			b.Fatal(err)
		}
		tab := NewTable()
		tab.Add(im)
		addrs, _, err := tab.LineAddresses(mainGo, line)
		if err != nil || len(addrs) == 0 {
			b.Fatalf("LineAddresses(cmd/go/main.go:%d): %#x %v", line, addrs, err)
		}
		if f, ok := tab.FunctionAt(addrs[0]); !ok || f.Name != "main.main" {
			b.Fatalf("FunctionAt(%#x) = %v", addrs[0], f)
		}
		if fns, _, err := tab.FunctionAddresses("main.main"); err != nil || len(fns) != 1 {
			b.Fatalf("FunctionAddresses(main.main): %v", err)
		}
		return tab
	}
	heap = heapAfter(func() any { return op() })
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		op().Images()[0].Close()
	}
	b.ReportMetric(heap, "live-MB")
}

// BenchmarkLibcFunctionAt: open glibc with its libc6-dbg debug file and
// name the function and line of an address in it (what the first stack
// trace through libc costs).
func BenchmarkLibcFunctionAt(b *testing.B) {
	const libc = "/lib/x86_64-linux-gnu/libc.so.6"
	probe, err := OpenImage(libc, 0)
	if err != nil {
		b.Skip(err)
	}
	hasDebug := probe.DebugPath() != ""
	probe.Close()
	if !hasDebug {
		b.Skip("libc6-dbg is not installed")
	}
	pc := uint64(0)
	op := func() *Table {
		tab := NewTable()
		im, err := OpenImage(libc, 0)
		if err != nil {
			b.Fatal(err)
		}
		tab.Add(im)
		if pc == 0 {
			fns, _, err := tab.FunctionAddresses("__libc_read")
			if err != nil {
				b.Fatal(err)
			}
			pc = fns[0].Entry + 0x10
			return tab
		}
		if f, ok := tab.FunctionAt(pc); !ok || f.Name != "__libc_read" {
			b.Fatalf("FunctionAt(%#x) = %v", pc, f)
		}
		if _, ok := tab.LocationAt(pc); !ok {
			b.Fatalf("LocationAt(%#x): none", pc)
		}
		return tab
	}
	op().Images()[0].Close()
	heap := heapAfter(func() any { return op() })
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		op().Images()[0].Close()
	}
	b.ReportMetric(heap, "live-MB")
}

// BenchmarkBigPCLookup: function, location and inline stack of a PC in a
// warm table, what every stack frame of every stop costs.
func BenchmarkBigPCLookup(b *testing.B) {
	bin, _ := bigProgram(b)
	tab := fileTableB(b, bin)
	fns, addrs, err := tab.FunctionAddresses("f_027_0123")
	if err != nil {
		b.Fatal(err)
	}
	pc := addrs[0] + 3
	tab.InlineStack(pc)
	b.ReportAllocs()
	for b.Loop() {
		if f, ok := tab.FunctionAt(pc); !ok || f != fns[0] {
			b.Fatalf("FunctionAt(%#x) = %v", pc, f)
		}
		if _, ok := tab.LocationAt(pc); !ok {
			b.Fatal("no location")
		}
		if s := tab.InlineStack(pc); len(s) != 0 {
			b.Fatalf("inline stack %v", s)
		}
	}
}
