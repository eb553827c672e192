//go:build linux

package linux

import (
	"bytes"
	"os"
	"strconv"
	"testing"

	"github.com/dapproc/dapproc/tracer"
)

// action is one step of a scripted debugging session against a fixture.
type action struct {
	do     string // "set", "clear", "continue", "step"
	marker string // for set/clear: the line's marker; for stops: the expected line
	offset uint64 // for set/clear: bytes after the line's first instruction
	want   tracer.StopReason
	// wantAddr is checked for breakpoint and step stops: the marker line's
	// address plus offset.
}

func runScript(t *testing.T, b *fixtureBin, p *Process, script []action) {
	t.Helper()
	tid := p.Pid()
	for i, a := range script {
		switch a.do {
		case "set":
			if err := p.SetBreakpoint(b.addr(t, p, a.marker) + a.offset); err != nil {
				t.Fatalf("step %d: set %s: %v", i, a.marker, err)
			}
			continue
		case "clear":
			if err := p.ClearBreakpoint(b.addr(t, p, a.marker) + a.offset); err != nil {
				t.Fatalf("step %d: clear %s: %v", i, a.marker, err)
			}
			continue
		}
		var ev tracer.StopEvent
		var err error
		switch a.do {
		case "continue":
			ev, err = p.Continue()
		case "step":
			ev, err = p.StepInstruction(tid)
		default:
			t.Fatalf("step %d: unknown action %q", i, a.do)
		}
		if err != nil {
			t.Fatalf("step %d (%s): %v", i, a.do, err)
		}
		if ev.Reason != a.want {
			t.Fatalf("step %d (%s): got %+v, want %v", i, a.do, ev, a.want)
		}
		if a.want == tracer.StopBreakpoint || a.want == tracer.StopStep {
			want := b.addr(t, p, a.marker) + a.offset
			if ev.Addr != want || ev.Tid != tid {
				t.Fatalf("step %d (%s): stop at %#x in %d, want %#x (BP:%s+%d) in %d",
					i, a.do, ev.Addr, ev.Tid, want, a.marker, a.offset, tid)
			}
			regs, err := p.Regs(tid)
			if err != nil {
				t.Fatal(err)
			}
			if regs.Rip != want {
				t.Fatalf("step %d: PC %#x, want %#x", i, regs.Rip, want)
			}
		}
	}
}

func TestBreakpointsAndSteps(t *testing.T) {
	const (
		movLen     = 5 // mov $39, %eax
		syscallLen = 2 // syscall (0x0f 0x05)
	)
	script := []action{
		{do: "set", marker: "bump"},
		{do: "continue", marker: "bump", want: tracer.StopBreakpoint},
		{do: "continue", marker: "bump", want: tracer.StopBreakpoint},
		{do: "clear", marker: "bump"},
		{do: "set", marker: "syscall"},
		{do: "set", marker: "syscall", offset: movLen},
		{do: "continue", marker: "syscall", want: tracer.StopBreakpoint},
		// Off one breakpoint and onto another: a step, not a hit.
		{do: "step", marker: "syscall", offset: movLen, want: tracer.StopStep},
		// Over the syscall instruction, which has a breakpoint under it.
		{do: "step", marker: "syscall", offset: movLen + syscallLen, want: tracer.StopStep},
		{do: "set", marker: "after"},
		{do: "continue", marker: "after", want: tracer.StopBreakpoint},
		{do: "continue", want: tracer.StopExited},
	}
	for _, mode := range pieModes {
		t.Run(mode.name, func(t *testing.T) {
			b := buildC(t, "tracer_basic.c", mode.flags...)
			p := launch(t, b.path)
			out := readAll(t, p.Stdout())
			runScript(t, b, p, script)
			if got := out(); !bytes.Contains([]byte(got), []byte("pid ok 1\ncounter 3\n")) {
				t.Errorf("stdout %q: the program did not run its course unharmed", got)
			}
		})
	}
}

func TestSyscallStepReturnsItsResult(t *testing.T) {
	b := buildC(t, "tracer_basic.c")
	p := launch(t, b.path)
	addr := b.addr(t, p, "syscall")
	if err := p.SetBreakpoint(addr); err != nil {
		t.Fatal(err)
	}
	mustStop(t, tracer.StopBreakpoint, p.Continue)
	ev := mustStop(t, tracer.StopStep, func() (tracer.StopEvent, error) { return p.StepInstruction(p.Pid()) })
	insn := make([]byte, 2)
	if _, err := p.ReadMemory(ev.Addr, insn); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(insn, []byte{0x0f, 0x05}) {
		t.Fatalf("instruction at %#x is % x, want the syscall instruction 0f 05", ev.Addr, insn)
	}
	ev = mustStop(t, tracer.StopStep, func() (tracer.StopEvent, error) { return p.StepInstruction(p.Pid()) })
	regs, err := p.Regs(p.Pid())
	if err != nil {
		t.Fatal(err)
	}
	if regs.Rip != ev.Addr || ev.Addr != addr+7 {
		t.Errorf("after syscall PC %#x (event %#x), want %#x", regs.Rip, ev.Addr, addr+7)
	}
	if regs.Rax != uint64(p.Pid()) {
		t.Errorf("getpid via syscall returned %d in rax, want %d", regs.Rax, p.Pid())
	}
}

func TestMemoryUnderBreakpointsReadsOriginal(t *testing.T) {
	for _, mode := range pieModes {
		t.Run(mode.name, func(t *testing.T) {
			b := buildC(t, "tracer_basic.c", mode.flags...)
			p := launch(t, b.path)
			addr := b.addr(t, p, "bump")
			before := make([]byte, 64)
			if _, err := p.ReadMemory(addr-32, before); err != nil {
				t.Fatal(err)
			}
			if err := p.SetBreakpoint(addr); err != nil {
				t.Fatal(err)
			}
			if err := p.SetBreakpoint(addr + 1); err != nil { // same word, odd place
				t.Fatal(err)
			}
			raw := rawMem(t, p.Pid(), addr, 2)
			if !bytes.Equal(raw, []byte{0xCC, 0xCC}) {
				t.Fatalf("memory at %#x holds % x, want cc cc (two breakpoints)", addr, raw)
			}
			after := make([]byte, 64)
			if _, err := p.ReadMemory(addr-32, after); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(before, after) {
				t.Errorf("ReadMemory shows breakpoints:\nbefore % x\nafter  % x", before, after)
			}
			if err := p.ClearBreakpoint(addr + 1); err != nil {
				t.Fatal(err)
			}
			if err := p.ClearBreakpoint(addr); err != nil {
				t.Fatal(err)
			}
			if raw := rawMem(t, p.Pid(), addr-32, 64); !bytes.Equal(raw, before) {
				t.Errorf("after clearing, memory is % x, want % x", raw, before)
			}
		})
	}
}

// rawMem reads the process's memory through /proc/PID/mem, bypassing the
// tracer, to see what is really there.
func rawMem(t *testing.T, pid int, addr uint64, n int) []byte {
	t.Helper()
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/mem")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, n)
	if _, err := f.ReadAt(buf, int64(addr)); err != nil {
		t.Fatal(err)
	}
	return buf
}
