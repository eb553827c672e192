package symbols

import (
	"bufio"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/dapproc/dapproc/internal/fixture"
)

// stoppedProcess is a fixture program started without a tracer that stops
// itself with SIGSTOP at the points the test inspects it through /proc and
// /proc/PID/mem.
type stoppedProcess struct {
	cmd *exec.Cmd
	pid int
	out *bufio.Reader
}

// startStopped starts bin with args, then waits until it has stopped
// itself.
func startStopped(t *testing.T, bin string, args ...string) *stoppedProcess {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &stoppedProcess{cmd: cmd, pid: cmd.Process.Pid, out: bufio.NewReader(stdout)}
	t.Cleanup(func() {
		cmd.Process.Kill()
		io.Copy(io.Discard, p.out)
		cmd.Wait()
	})
	p.waitStop(t)
	return p
}

// waitStop waits for the kernel to report the process stopped (wait4 with
// WUNTRACED: the real event, no polling).
func (p *stoppedProcess) waitStop(t *testing.T) {
	t.Helper()
	var ws syscall.WaitStatus
	if _, err := syscall.Wait4(p.pid, &ws, syscall.WUNTRACED, nil); err != nil {
		t.Fatalf("wait4(%d): %v", p.pid, err)
	}
	if !ws.Stopped() || ws.StopSignal() != syscall.SIGSTOP {
		t.Fatalf("process %d: wait status %#x, want stopped by SIGSTOP", p.pid, ws)
	}
}

// resume continues the stopped process up to its next self-stop.
func (p *stoppedProcess) resume(t *testing.T) {
	t.Helper()
	if err := syscall.Kill(p.pid, syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	p.waitStop(t)
}

// expect reads the next output line and checks its prefix.
func (p *stoppedProcess) expect(t *testing.T, prefix string) string {
	t.Helper()
	line, err := p.out.ReadString('\n')
	if err != nil {
		t.Fatalf("waiting for %q from the fixture: %v", prefix, err)
	}
	if !strings.HasPrefix(line, prefix) {
		t.Fatalf("fixture said %q, want %q", line, prefix)
	}
	return line
}

// auxv reads one entry of /proc/pid/auxv (AT_ENTRY = 9, AT_BASE = 7).
func auxv(t *testing.T, pid int, key uint64) uint64 {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/auxv", pid))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+16 <= len(data); i += 16 {
		if binary.LittleEndian.Uint64(data[i:]) == key {
			return binary.LittleEndian.Uint64(data[i+8:])
		}
	}
	t.Fatalf("auxv of %d has no entry %d", pid, key)
	return 0
}

// syscallPC returns the user PC of a process blocked in a system call,
// from /proc/pid/syscall ("nr args... sp pc"), checking the call number.
func syscallPC(t *testing.T, pid int, wantNr int) uint64 {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/syscall", pid))
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(data))
	if len(f) != 9 || f[0] != strconv.Itoa(wantNr) {
		t.Fatalf("/proc/%d/syscall = %q, want system call %d", pid, data, wantNr)
	}
	pc, err := strconv.ParseUint(strings.TrimPrefix(f[8], "0x"), 16, 64)
	if err != nil {
		t.Fatal(err)
	}
	return pc
}

func imageNamed(ims []*Image, base string) *Image {
	for _, im := range ims {
		if filepath.Base(im.Path) == base {
			return im
		}
	}
	return nil
}

func TestSyncRunningProcess(t *testing.T) {
	for _, b := range []struct {
		name  string
		flags []string
	}{{"pie", nil}, {"no-pie", []string{"-no-pie"}}} {
		t.Run(b.name, func(t *testing.T) {
			bin := fixture.C(t, "sym_basic.c", b.flags...)
			p := startStopped(t, bin, "stop")
			p.expect(t, "ready 19")
			pid := p.pid
			maps, err := ReadMaps(pid)
			if err != nil {
				t.Fatal(err)
			}
			tab := NewTable()
			added, removed, err := tab.Sync(maps)
			if err != nil {
				t.Fatal(err)
			}
			if len(removed) != 0 {
				t.Errorf("first Sync removed %d images", len(removed))
			}
			exe := imageNamed(added, filepath.Base(bin))
			libc := imageNamed(added, "libc.so.6")
			if exe == nil || libc == nil || len(added) != 3 {
				t.Fatalf("Sync added %d images %v, want the executable, libc and the dynamic linker", len(added), paths(added))
			}
			// The kernel's own word on where things are: AT_ENTRY is the
			// executable's entry at run time, AT_BASE the dynamic linker's
			// load address (its link base is 0).
			if got, want := exe.Bias, auxv(t, pid, 9)-exe.ELF().Entry; got != want {
				t.Errorf("executable bias %#x, want %#x (AT_ENTRY - e_entry)", got, want)
			}
			if b.name == "no-pie" && exe.Bias != 0 {
				t.Errorf("non-PIE executable has bias %#x, want 0", exe.Bias)
			}
			// The executable's range covers its entry point and main.
			lo, hi := exe.Range()
			if entry := exe.ELF().Entry + exe.Bias; entry < lo || entry >= hi || !exe.HasDebugInfo() {
				t.Errorf("executable range [%#x, %#x) misses its entry %#x, or no debug info (%v)", lo, hi, entry, exe.HasDebugInfo())
			}
			interp := imageNamed(added, "ld-linux-x86-64.so.2")
			if interp == nil || interp.Bias != auxv(t, pid, 7) {
				t.Errorf("dynamic linker image %v, want bias AT_BASE %#x", interp, auxv(t, pid, 7))
			}

			// The process stopped in raise(3), inside libc, after tgkill.
			pc := syscallPC(t, pid, int(syscall.SYS_TGKILL))
			if im := tab.ImageAt(pc); im != libc {
				t.Fatalf("ImageAt(%#x) = %v, want libc", pc, im)
			}
			f, ok := tab.FunctionAt(pc)
			if !ok || !strings.Contains(f.Name, "kill") || f.Image != libc || pc < f.Entry || pc >= f.End {
				t.Fatalf("FunctionAt(%#x) = %+v, want libc's pthread_kill", pc, f)
			}
			t.Logf("stopped at %#x in %s (%s:%d)", pc, f.Name, f.File, f.Line)
			// And main's code is where the executable's line table says.
			line := fixture.Line(t, "sym_basic.c", "read_call")
			addrs, _, err := tab.LineAddresses("sym_basic.c", line)
			if err != nil || len(addrs) != 1 || tab.ImageAt(addrs[0]) != exe {
				t.Fatalf("LineAddresses(read_call) = %#x, %v; want one address in the executable", addrs, err)
			}
			wantLocation(t, tab, addrs[0], "sym_basic.c", line, "wait_for_input")

			// Syncing the same map changes nothing; without libc, libc goes.
			added, removed, err = tab.Sync(maps)
			if err != nil || len(added)+len(removed) != 0 {
				t.Errorf("second Sync: added %v removed %v err %v, want no change", paths(added), paths(removed), err)
			}
			var noLibc []Mapping
			for _, m := range maps {
				if m.Path != libc.Path {
					noLibc = append(noLibc, m)
				}
			}
			added, removed, err = tab.Sync(noLibc)
			if err != nil || len(added) != 0 || len(removed) != 1 || removed[0] != libc {
				t.Errorf("Sync without libc: added %v removed %v err %v, want libc removed", paths(added), paths(removed), err)
			}
			if tab.ImageAt(pc) != nil {
				t.Errorf("ImageAt(%#x) still finds an image after libc was removed", pc)
			}
			tab.Close()
			if len(tab.Images()) != 0 || tab.ImageAt(addrs[0]) != nil {
				t.Errorf("Close left %d images", len(tab.Images()))
			}
		})
	}
}

func paths(ims []*Image) []string {
	var out []string
	for _, im := range ims {
		out = append(out, fmt.Sprintf("%s@%#x", im.Path, im.Bias))
	}
	return out
}

func TestParseMaps(t *testing.T) {
	text := "55d0c4a00000-55d0c4a01000 r--p 00000000 fe:01 1234                       /usr/bin/my prog\n" +
		"7ffd1c1f0000-7ffd1c211000 rw-p 00000000 00:00 0                          [stack]\n" +
		"7f00aa000000-7f00aa021000 rw-p 00000000 00:00 0 \n" +
		"7f00ab000000-7f00ab100000 r-xp 00002000 fe:01 99   /tmp/gone.so (deleted)\n"
	maps, err := ParseMaps(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	want := []Mapping{
		{0x55d0c4a00000, 0x55d0c4a01000, 0, "r--p", "/usr/bin/my prog"},
		{0x7ffd1c1f0000, 0x7ffd1c211000, 0, "rw-p", "[stack]"},
		{0x7f00aa000000, 0x7f00aa021000, 0, "rw-p", ""},
		{0x7f00ab000000, 0x7f00ab100000, 0x2000, "r-xp", "/tmp/gone.so (deleted)"},
	}
	if len(maps) != len(want) {
		t.Fatalf("parsed %d mappings, want %d", len(maps), len(want))
	}
	for i := range want {
		if maps[i] != want[i] {
			t.Errorf("mapping %d = %+v, want %+v", i, maps[i], want[i])
		}
	}
	if _, err := ParseMaps(strings.NewReader("garbage\n")); err == nil {
		t.Error("a malformed line parsed without error")
	}
}

// TestSyncSkipsDataMappings: a file mapped only for reading (a program
// that mmaps an ELF file) is not a loaded image; the same file with its
// text mapped executable is.
func TestSyncSkipsDataMappings(t *testing.T) {
	lib := fixture.C(t, "sym_lib.c", "-shared", "-fPIC")
	im, err := OpenImage(lib, 0)
	if err != nil {
		t.Fatal(err)
	}
	var text *elf.Prog
	for _, p := range im.ELF().Progs {
		if p.Type == elf.PT_LOAD && p.Flags&elf.PF_X != 0 {
			text = p
		}
	}
	im.Close()
	if text == nil {
		t.Fatal("library has no executable segment")
	}
	const base = 0x7f0000000000
	data := []Mapping{{Start: base, End: base + 0x1000, Offset: 0, Perms: "r--s", Path: lib}}
	tab := NewTable()
	added, _, err := tab.Sync(data)
	if err != nil || len(added) != 0 {
		t.Fatalf("a data mapping was taken for a loaded image: %v, %v", paths(added), err)
	}
	loaded := append(data, Mapping{Start: base + text.Vaddr&^0xfff, End: base + text.Vaddr&^0xfff + 0x1000, Offset: text.Off &^ 0xfff, Perms: "r-xp", Path: lib})
	added, _, err = tab.Sync(loaded)
	if err != nil || len(added) != 1 || added[0].Bias != base {
		t.Fatalf("loaded library: added %v, %v; want it at bias %#x", paths(added), err, base)
	}
	tab.Close()
}
