//go:build linux

package linux

import (
	"debug/elf"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dapproc/dapproc/tracer"
)

// pieModes are the two ways fixtures are linked where addresses matter.
var pieModes = []struct {
	name  string
	flags []string
}{
	{"pie", []string{"-pie", "-fPIE"}},
	{"nopie", []string{"-no-pie", "-fno-PIE"}},
}

func TestLaunchStopsAtFirstInstruction(t *testing.T) {
	for _, mode := range pieModes {
		t.Run(mode.name, func(t *testing.T) {
			b := buildC(t, "tracer_basic.c", mode.flags...)
			dir := t.TempDir()
			p, err := Launch(tracer.LaunchConfig{
				Program: b.path,
				Args:    []string{"x", "y z"},
				Env:     []string{"TRACER_ENV=hello"},
				Dir:     dir,
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { p.Kill() })
			stdout, stderr := readAll(t, p.Stdout()), readAll(t, p.Stderr())

			// The first instruction is the dynamic linker's entry point:
			// nothing of the program or of ld.so has run yet.
			regs, err := p.Regs(p.Pid())
			if err != nil {
				t.Fatal(err)
			}
			if want := interpEntry(t, p, b.path); regs.Rip != want {
				t.Errorf("PC at launch = %#x, want the dynamic linker's entry %#x", regs.Rip, want)
			}
			if got := p.Threads(); len(got) != 1 || got[0] != p.Pid() {
				t.Errorf("Threads() = %v, want [%d]", got, p.Pid())
			}
			if in, err := os.Readlink("/proc/" + strconv.Itoa(p.Pid()) + "/fd/0"); err != nil || in != os.DevNull {
				t.Errorf("stdin is %q (%v), want %s", in, err, os.DevNull)
			}
			exe, _ := filepath.EvalSymlinks(b.path)
			if p.Executable() != exe {
				t.Errorf("Executable() = %q, want %q", p.Executable(), exe)
			}

			ev := mustStop(t, tracer.StopExited, p.Continue)
			if !ev.Status.Exited || ev.Status.ExitCode != 3 || ev.Tid != p.Pid() {
				t.Errorf("exit event = %+v, want exit code 3 of %d", ev, p.Pid())
			}
			wantOut := "arg x\narg y z\nenv hello\ncwd " + dir + "\npid ok 1\ncounter 3\n"
			if got := stdout(); got != wantOut {
				t.Errorf("stdout = %q, want %q", got, wantOut)
			}
			if got := stderr(); got != "to stderr\n" {
				t.Errorf("stderr = %q, want %q", got, "to stderr\n")
			}
			if _, err := p.Continue(); !isExited(err, 3) {
				t.Errorf("Continue after exit: %v, want ErrExited with code 3", err)
			}
			if _, err := p.Regs(p.Pid()); !isExited(err, 3) {
				t.Errorf("Regs after exit: %v, want ErrExited", err)
			}
			if !procGone(p.Pid()) {
				t.Errorf("process %d still in /proc after its exit was reported", p.Pid())
			}
		})
	}
}

func isExited(err error, code int) bool {
	e, ok := err.(tracer.ErrExited)
	return ok && e.Status.Exited && e.Status.ExitCode == code
}

// interpEntry is the run-time entry point of the program's dynamic linker.
func interpEntry(t *testing.T, p *Process, exe string) uint64 {
	t.Helper()
	f, err := elf.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var interp string
	for _, prog := range f.Progs {
		if prog.Type == elf.PT_INTERP {
			b := make([]byte, prog.Filesz)
			prog.ReadAt(b, 0)
			interp = strings.TrimRight(string(b), "\x00")
		}
	}
	real, err := filepath.EvalSymlinks(interp)
	if err != nil {
		t.Fatal(err)
	}
	li, err := elf.Open(real)
	if err != nil {
		t.Fatal(err)
	}
	defer li.Close()
	maps, err := p.Mappings()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range maps {
		if m.Path == real && m.Offset == 0 {
			return m.Start + li.Entry
		}
	}
	t.Fatalf("%s not mapped in process %d", real, p.Pid())
	return 0
}

func TestLaunchInheritsOutputWhenAsked(t *testing.T) {
	b := buildC(t, "tracer_basic.c")
	p, err := Launch(tracer.LaunchConfig{Program: b.path, InheritOutput: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Kill()
	if p.Stdout() != nil || p.Stderr() != nil {
		t.Errorf("Stdout/Stderr = %v/%v, want nil for inherited output", p.Stdout(), p.Stderr())
	}
	if ev := mustStop(t, tracer.StopExited, p.Continue); ev.Status.ExitCode != 3 {
		t.Errorf("exit code %d, want 3", ev.Status.ExitCode)
	}
}

func TestLaunchErrors(t *testing.T) {
	dir := t.TempDir()
	notExec := filepath.Join(dir, "data.txt")
	if err := os.WriteFile(notExec, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(dir, "garbage")
	if err := os.WriteFile(garbage, []byte("\x7fELF garbage"), 0o755); err != nil {
		t.Fatal(err)
	}
	b := buildC(t, "tracer_basic.c")
	if _, err := Launch(tracer.LaunchConfig{Program: b.path, Dir: filepath.Join(dir, "nowhere")}); err == nil ||
		!strings.Contains(err.Error(), "working directory") {
		t.Errorf("Launch with a missing working directory: %v, want an error saying so", err)
	}
	for _, tc := range []struct {
		program, want string
	}{
		{filepath.Join(dir, "missing"), "does not exist"},
		{notExec, "is not executable"},
		{dir, "is a directory"},
		{"no-such-program-dapproc", "not found in PATH"},
		{garbage, "exec format error"},
	} {
		_, err := Launch(tracer.LaunchConfig{Program: tc.program})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Launch(%q) error = %v, want one saying %q", tc.program, err, tc.want)
		}
	}
}
