//go:build linux

package linux

import (
	"debug/dwarf"
	"debug/elf"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/dapproc/dapproc/internal/fixture"
	"github.com/dapproc/dapproc/tracer"
)

// fixtureBin is a built fixture with its line table, for finding breakpoint
// addresses without the symbols package.
type fixtureBin struct {
	path string
	src  string // fixture source name in testdata/
	pie  bool
	rows []dwarf.LineEntry
}

// buildC builds testdata/src with gcc -g -O0 plus flags.
func buildC(t testing.TB, src string, flags ...string) *fixtureBin {
	t.Helper()
	path := fixture.C(t, src, flags...)
	b := &fixtureBin{path: path, src: src}
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b.pie = f.Type == elf.ET_DYN
	d, err := f.DWARF()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	rd := d.Reader()
	for {
		e, err := rd.Next()
		if err != nil {
			t.Fatal(err)
		}
		if e == nil {
			break
		}
		if e.Tag != dwarf.TagCompileUnit {
			rd.SkipChildren()
			continue
		}
		lr, err := d.LineReader(e)
		if err != nil || lr == nil {
			continue
		}
		for {
			var le dwarf.LineEntry
			if err := lr.Next(&le); err != nil {
				if errors.Is(err, io.EOF) {
					break
				}
				t.Fatal(err)
			}
			if le.File != nil && filepath.Base(le.File.Name) == filepath.Base(src) {
				b.rows = append(b.rows, le)
			}
		}
	}
	sort.Slice(b.rows, func(i, j int) bool { return b.rows[i].Address < b.rows[j].Address })
	return b
}

// lineAddr is the lowest statement address of the marker's line, as linked
// (before the load bias).
func (b *fixtureBin) lineAddr(t testing.TB, marker string) uint64 {
	t.Helper()
	line := fixture.Line(t, b.src, marker)
	for _, r := range b.rows {
		if r.Line == line && r.IsStmt && !r.EndSequence {
			return r.Address
		}
	}
	t.Fatalf("%s: no code for line %d (BP:%s)", b.src, line, marker)
	return 0
}

// lineOf maps a linked address to its source line (the row at or below it).
func (b *fixtureBin) lineOf(addr uint64) int {
	if len(b.rows) == 0 || addr < b.rows[0].Address || addr >= b.rows[len(b.rows)-1].Address {
		return 0
	}
	line := 0
	for _, r := range b.rows {
		if r.Address > addr {
			break
		}
		if !r.EndSequence {
			line = r.Line
		} else {
			line = 0
		}
	}
	return line
}

// bias is the load bias of the main executable in process p: zero for a
// fixed-address binary, the first mapping's start for PIE.
func (b *fixtureBin) bias(t testing.TB, p *Process) uint64 {
	t.Helper()
	if !b.pie {
		return 0
	}
	maps, err := p.Mappings()
	if err != nil {
		t.Fatal(err)
	}
	exe, err := filepath.EvalSymlinks(b.path)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range maps {
		if m.Path == exe && m.Offset == 0 {
			return m.Start
		}
	}
	t.Fatalf("no mapping of %s in process %d", exe, p.Pid())
	return 0
}

// addr is the run-time address of the marker's line in p.
func (b *fixtureBin) addr(t testing.TB, p *Process, marker string) uint64 {
	t.Helper()
	return b.lineAddr(t, marker) + b.bias(t, p)
}

// launch starts the fixture under the tracer, killing it at test end, and
// collects its output.
func launch(t testing.TB, path string, args ...string) *Process {
	t.Helper()
	p, err := Launch(tracer.LaunchConfig{Program: path, Args: args})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Kill() })
	return p
}

// readAll reads a pipe to EOF on another goroutine; the returned function
// waits for it (bounded, so a stuck test fails instead of hanging).
func readAll(t testing.TB, r io.Reader) func() string {
	t.Helper()
	ch := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(r)
		ch <- string(b)
	}()
	return func() string {
		select {
		case s := <-ch:
			return s
		case <-time.After(30 * time.Second):
			t.Fatal("output pipe did not reach EOF within 30s")
			return ""
		}
	}
}

// mustStop resumes with f and checks the stop's reason.
func mustStop(t testing.TB, want tracer.StopReason, f func() (tracer.StopEvent, error)) tracer.StopEvent {
	t.Helper()
	ev, err := f()
	if err != nil {
		t.Fatalf("want %v stop, got error %v", want, err)
	}
	if ev.Reason != want {
		t.Fatalf("want %v stop, got %+v", want, ev)
	}
	return ev
}

// pcLine is the source line of thread tid's PC.
func pcLine(t testing.TB, p *Process, b *fixtureBin, tid int) int {
	t.Helper()
	regs, err := p.Regs(tid)
	if err != nil {
		t.Fatal(err)
	}
	return b.lineOf(regs.Rip - b.bias(t, p))
}

// procGone reports whether /proc/PID is gone (no process, no zombie).
func procGone(pid int) bool {
	_, err := os.Stat("/proc/" + strconv.Itoa(pid))
	return errors.Is(err, os.ErrNotExist)
}

// fixtureMarker is the line of testdata/src carrying BP:marker.
func fixtureMarker(t testing.TB, src, marker string) int {
	t.Helper()
	return fixture.Line(t, src, marker)
}

// symbol is the run-time address of a symbol of the binary in p.
func (b *fixtureBin) symbol(t testing.TB, p *Process, name string) uint64 {
	t.Helper()
	f, err := elf.Open(b.path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range syms {
		if s.Name == name {
			return s.Value + b.bias(t, p)
		}
	}
	t.Fatalf("%s: no symbol %s", b.path, name)
	return 0
}
