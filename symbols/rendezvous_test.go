package symbols

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dapproc/dapproc/internal/fixture"
)

// procMem reads a stopped process's memory through /proc/PID/mem (we are
// root, or the process is our child), standing in for the tracer.
type procMem struct{ f *os.File }

func openProcMem(t *testing.T, pid int) *procMem {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/mem", pid))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return &procMem{f}
}

func (m *procMem) ReadMemory(addr uint64, buf []byte) (int, error) {
	return m.f.ReadAt(buf, int64(addr))
}

// libraryNamed finds an entry of the linker's list by file name.
func libraryNamed(libs []LibraryEntry, base string) (LibraryEntry, bool) {
	for _, l := range libs {
		if filepath.Base(l.Path) == base {
			return l, true
		}
	}
	return LibraryEntry{}, false
}

// syncAndRead syncs the table with the process's map and reads the
// linker's list, checking the list is consistent.
func syncAndRead(t *testing.T, tab *Table, pid int, mem MemoryReader) (added, removed []*Image, libs []LibraryEntry, rd *Rendezvous) {
	t.Helper()
	maps, err := ReadMaps(pid)
	if err != nil {
		t.Fatal(err)
	}
	added, removed, err = tab.Sync(maps)
	if err != nil {
		t.Fatal(err)
	}
	exe := tab.Executable()
	if exe == nil {
		t.Fatal("no executable image after Sync")
	}
	rd, err = ReadRendezvous(exe, mem)
	if err != nil {
		t.Fatal(err)
	}
	if rd.State != RendezvousConsistent || rd.Version < 1 {
		t.Fatalf("r_debug %+v: want a consistent list", rd)
	}
	libs, err = rd.Libraries(mem)
	if err != nil {
		t.Fatal(err)
	}
	return added, removed, libs, rd
}

func TestRendezvousDlopen(t *testing.T) {
	lib := fixture.C(t, "sym_lib.c", "-shared", "-fPIC")
	bin := fixture.C(t, "sym_dlopen.c")
	p := startStopped(t, bin, lib)
	mem := openProcMem(t, p.pid)
	tab := NewTable()

	// Before dlopen: the list matches the mapped images, without the library.
	_, _, libs, rd := syncAndRead(t, tab, p.pid, mem)
	if libs[0].Path != "" || libs[0].Bias != tab.Executable().Bias {
		t.Errorf("first link_map entry %+v, want the executable with bias %#x", libs[0], tab.Executable().Bias)
	}
	libc, ok := libraryNamed(libs, "libc.so.6")
	if im := imageNamed(tab.Images(), "libc.so.6"); !ok || im == nil || im.Bias != libc.Bias {
		t.Errorf("libc in the linker's list %+v, in the table %v", libc, paths(tab.Images()))
	}
	if _, ok := libraryNamed(libs, filepath.Base(lib)); ok {
		t.Fatalf("library listed before dlopen: %+v", libs)
	}
	// r_brk is the linker's _dl_debug_state, which we find on our own
	// for a process stopped before the linker ran.
	brk, err := tab.LinkerBreakAddress()
	if err != nil {
		t.Fatal(err)
	}
	if brk != rd.Brk {
		t.Errorf("LinkerBreakAddress = %#x, r_brk = %#x", brk, rd.Brk)
	}
	if f, ok := tab.FunctionAt(rd.Brk); !ok || f.Name != "_dl_debug_state" {
		t.Errorf("r_brk %#x is in %v, want _dl_debug_state", rd.Brk, f)
	}

	// After dlopen: listed, mapped, and its lines resolve inside it.
	p.resume(t)
	p.expect(t, "loaded 42")
	added, removed, libs, _ := syncAndRead(t, tab, p.pid, mem)
	entry, ok := libraryNamed(libs, filepath.Base(lib))
	if !ok {
		t.Fatalf("library not in the linker's list after dlopen: %+v", libs)
	}
	if len(added) != 1 || added[0].Path != entry.Path || added[0].Bias != entry.Bias || len(removed) != 0 {
		t.Fatalf("Sync after dlopen: added %v removed %v, want %s@%#x", paths(added), paths(removed), entry.Path, entry.Bias)
	}
	line := fixture.Line(t, "sym_lib.c", "lib_body")
	addrs, _, err := tab.LineAddresses("sym_lib.c", line)
	if err != nil || len(addrs) != 1 || tab.ImageAt(addrs[0]) != added[0] {
		t.Fatalf("LineAddresses(sym_lib.c:%d) = %#x, %v; want one address in the library", line, addrs, err)
	}
	wantLocation(t, tab, addrs[0], "sym_lib.c", line, "sym_lib_triple")

	// After dlclose: gone from the list and from the table.
	p.resume(t)
	p.expect(t, "closed")
	added, removed, libs, _ = syncAndRead(t, tab, p.pid, mem)
	if _, ok := libraryNamed(libs, filepath.Base(lib)); ok {
		t.Errorf("library still listed after dlclose")
	}
	if len(added) != 0 || len(removed) != 1 || removed[0].Path != entry.Path {
		t.Errorf("Sync after dlclose: added %v removed %v, want the library removed", paths(added), paths(removed))
	}
	if tab.ImageAt(addrs[0]) != nil {
		t.Errorf("ImageAt(%#x) still finds the unloaded library", addrs[0])
	}
}

func TestVDSO(t *testing.T) {
	p := startStopped(t, fixture.C(t, "sym_basic.c"), "stop")
	maps, err := ReadMaps(p.pid)
	if err != nil {
		t.Fatal(err)
	}
	tab := NewTable()
	if _, _, err := tab.Sync(maps); err != nil {
		t.Fatal(err)
	}
	vdso, err := OpenVDSO(maps, openProcMem(t, p.pid))
	if err != nil || vdso == nil {
		t.Fatalf("OpenVDSO: %v, %v", vdso, err)
	}
	tab.Add(vdso)
	// The kernel says where it put the vDSO's ELF header.
	if ehdr := auxv(t, p.pid, 33 /* AT_SYSINFO_EHDR */); !vdso.Contains(ehdr) || vdso.Bias != ehdr {
		t.Errorf("vDSO bias %#x, AT_SYSINFO_EHDR %#x", vdso.Bias, ehdr)
	}
	fns, _, err := tab.FunctionAddresses("__vdso_clock_gettime")
	if err != nil || len(fns) != 1 || fns[0].Image != vdso {
		t.Fatalf("__vdso_clock_gettime: %v, %v", fns, err)
	}
	if f, ok := tab.FunctionAt(fns[0].Entry + 1); !ok || f.Entry != fns[0].Entry || !strings.Contains(f.Name, "clock_gettime") {
		t.Errorf("FunctionAt(inside clock_gettime) = %v", f)
	}
	added, removed, err := tab.Sync(maps)
	if err != nil || len(added)+len(removed) != 0 {
		t.Errorf("Sync after OpenVDSO: added %v removed %v, %v; want no change", paths(added), paths(removed), err)
	}
}
