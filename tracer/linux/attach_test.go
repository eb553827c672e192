//go:build linux

package linux

import (
	"bytes"
	"debug/elf"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/dapproc/dapproc/tracer"
)

// untraced is a fixture started normally, to attach to.
type untraced struct {
	cmd   *exec.Cmd
	stdin *os.File
	lines <-chan string
}

func startUntraced(t *testing.T, path string) *untraced {
	t.Helper()
	cmd := exec.Command(path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	u := &untraced{cmd: cmd, stdin: stdin.(*os.File), lines: lineReader(stdout)}
	u.expectLine(t, "ready")
	return u
}

func (u *untraced) expectLine(t *testing.T, want string) {
	t.Helper()
	expectLine(t, u.lines, want)
}

// threadStates reads each thread's state letter from /proc/PID/task/*/stat.
func threadStates(t *testing.T, pid int) map[int]byte {
	t.Helper()
	tids, err := taskIDs(pid)
	if err != nil {
		t.Fatal(err)
	}
	states := map[int]byte{}
	for _, tid := range tids {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/task/" + strconv.Itoa(tid) + "/stat")
		if err != nil {
			continue // exited since the listing
		}
		// pid (comm) S ...: the state follows the last ')'.
		s := string(b)
		states[tid] = s[strings.LastIndexByte(s, ')')+2]
	}
	return states
}

// fileBytes reads n bytes of the executable file at linked address addr.
func fileBytes(t *testing.T, path string, addr uint64, n int) []byte {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, prog := range f.Progs {
		if prog.Type == elf.PT_LOAD && addr >= prog.Vaddr && addr+uint64(n) <= prog.Vaddr+prog.Filesz {
			buf := make([]byte, n)
			if _, err := prog.ReadAt(buf, int64(addr-prog.Vaddr)); err != nil {
				t.Fatal(err)
			}
			return buf
		}
	}
	t.Fatalf("%#x not in a loaded segment of %s", addr, path)
	return nil
}

// TestAttachBreakpointDetach attaches to a process whose threads come and
// go, proves every thread is stopped, hits a breakpoint, holds a SIGUSR1,
// and detaches: the text bytes are the file's again, every thread runs, the
// held signal is delivered and the process exits normally with code 7.
func TestAttachBreakpointDetach(t *testing.T) {
	for _, mode := range pieModes {
		t.Run(mode.name, func(t *testing.T) {
			b := buildC(t, "tracer_attach.c", append([]string{"-pthread"}, mode.flags...)...)
			u := startUntraced(t, b.path)
			pid := u.cmd.Process.Pid
			p, err := Attach(pid)
			if err != nil {
				t.Fatal(err)
			}
			states := threadStates(t, pid)
			var tids []int
			for tid, st := range states {
				tids = append(tids, tid)
				if st != 't' {
					t.Errorf("thread %d in state %c after attach, want t (traced stop)", tid, st)
				}
			}
			slices.Sort(tids)
			if got := p.Threads(); !slices.Equal(got, tids) {
				t.Errorf("Threads() = %v, /proc says %v", got, tids)
			}
			if len(tids) < 4 {
				t.Errorf("only %d threads, want at least 4", len(tids))
			}

			bias := b.bias(t, p)
			addr := b.addr(t, p, "tick")
			if err := p.SetBreakpoint(addr); err != nil {
				t.Fatal(err)
			}
			ev := mustStop(t, tracer.StopBreakpoint, p.Continue)
			if ev.Addr != addr {
				t.Fatalf("breakpoint at %#x, want %#x", ev.Addr, addr)
			}
			if err := p.ClearBreakpoint(addr); err != nil {
				t.Fatal(err)
			}
			if err := syscall.Kill(pid, syscall.SIGUSR1); err != nil {
				t.Fatal(err)
			}
			ev = mustStop(t, tracer.StopSignal, p.Continue)
			if ev.Signal.Signal != syscall.SIGUSR1 {
				t.Fatalf("got %+v, want SIGUSR1", ev)
			}
			if err := p.SetBreakpoint(addr); err != nil {
				t.Fatal(err)
			}
			if err := p.Detach(); err != nil {
				t.Fatal(err)
			}
			if _, err := p.Continue(); err == nil {
				t.Error("Continue after Detach succeeded")
			}
			u.expectLine(t, "quitting") // the held SIGUSR1 reached its handler

			const span = 16
			linked := addr - bias
			if got, want := rawMem(t, pid, addr-span/2, span), fileBytes(t, b.path, linked-span/2, span); !bytes.Equal(got, want) {
				t.Errorf("text after detach % x, file has % x", got, want)
			}
			for tid, st := range threadStates(t, pid) {
				if st == 't' || st == 'T' {
					t.Errorf("thread %d still stopped (%c) after detach", tid, st)
				}
			}
			u.stdin.Close()
			err = u.cmd.Wait()
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 7 {
				t.Errorf("process ended with %v, want exit code 7", err)
			}
		})
	}
}

func TestAttachErrors(t *testing.T) {
	if _, err := Attach(1 << 30); err == nil || !strings.Contains(err.Error(), "no such process") {
		t.Errorf("Attach(no such pid) = %v, want an error saying no such process", err)
	}
	b := buildC(t, "tracer_basic.c")
	p := launch(t, b.path)
	_, err := Attach(p.Pid())
	want := "already traced by process " + strconv.Itoa(os.Getpid()) + " (" + commOf(os.Getpid()) + ")"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Attach(traced pid) = %v, want an error saying %q", err, want)
	}
}
