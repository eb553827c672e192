//go:build linux

package linux

import (
	"path/filepath"
	"testing"

	"github.com/dapproc/dapproc/tracer"
)

// TestForkAndVforkChildrenRunFree: breakpoints on a line the fork child
// runs and on the line the vfork child runs do not reach the children (they
// would die of SIGTRAP); each child runs /bin/true to exit status 0, and
// the parent still hits its breakpoints afterwards.
func TestForkAndVforkChildrenRunFree(t *testing.T) {
	for _, mode := range pieModes {
		t.Run(mode.name, func(t *testing.T) {
			b := buildC(t, "tracer_fork.c", mode.flags...)
			p := launch(t, b.path)
			out := readAll(t, p.Stdout())
			for _, m := range []string{"shared", "vfork_child", "after_vfork"} {
				if err := p.SetBreakpoint(b.addr(t, p, m)); err != nil {
					t.Fatal(err)
				}
			}
			for _, want := range []string{"shared", "after_vfork"} {
				ev := mustStop(t, tracer.StopBreakpoint, p.Continue)
				if ev.Tid != p.Pid() || ev.Addr != b.addr(t, p, want) {
					t.Fatalf("stop %+v, want the parent %d at BP:%s", ev, p.Pid(), want)
				}
			}
			ev := mustStop(t, tracer.StopExited, p.Continue)
			if ev.Status.ExitCode != 0 {
				t.Errorf("exit %v", ev.Status)
			}
			if got, want := out(), "fork child exited 0\nvfork child exited 0\n"; got != want {
				t.Errorf("stdout %q, want %q", got, want)
			}
		})
	}
}

// TestExecIsAnEvent: a process with two threads execs, from main or from
// the second thread; the tracer reports StopExec by the process id (the
// kernel gives the exec'ing thread the leader's id), the other thread id is
// announced gone, and the new program runs to its end.
func TestExecIsAnEvent(t *testing.T) {
	for _, from := range []string{"main", "thread"} {
		t.Run(from, func(t *testing.T) {
			b := buildC(t, "tracer_exec.c", "-pthread")
			p := launch(t, b.path, from)
			out := readAll(t, p.Stdout())
			if err := p.SetBreakpoint(b.addr(t, p, "exec")); err != nil {
				t.Fatal(err)
			}
			ev := mustStop(t, tracer.StopBreakpoint, p.Continue)
			if len(ev.ThreadsCreated) != 1 {
				t.Fatalf("threads created %v, want one", ev.ThreadsCreated)
			}
			second := ev.ThreadsCreated[0]
			if want := map[string]int{"main": p.Pid(), "thread": second}[from]; ev.Tid != want {
				t.Fatalf("exec breakpoint hit by %d, want %d", ev.Tid, want)
			}
			ev = mustStop(t, tracer.StopExec, p.Continue)
			if ev.Tid != p.Pid() {
				t.Errorf("exec reported by %d, want %d", ev.Tid, p.Pid())
			}
			if len(ev.ThreadsExited) != 1 || ev.ThreadsExited[0] != second {
				t.Errorf("threads exited %v, want [%d]", ev.ThreadsExited, second)
			}
			if got := p.Threads(); len(got) != 1 || got[0] != p.Pid() {
				t.Errorf("threads after exec %v, want [%d]", got, p.Pid())
			}
			echo, _ := filepath.EvalSymlinks("/bin/echo")
			if p.Executable() != echo {
				t.Errorf("Executable() = %q after exec, want %q", p.Executable(), echo)
			}
			ev = mustStop(t, tracer.StopExited, p.Continue)
			if ev.Status.ExitCode != 0 {
				t.Errorf("exit %v", ev.Status)
			}
			if got, want := out(), "before exec\nafter exec\n"; got != want {
				t.Errorf("stdout %q, want %q", got, want)
			}
		})
	}
}
