package symbols

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/dapproc/dapproc/internal/fixture"
	"golang.org/x/sys/unix"
)

const chainSrc = "unwind_chain.c"

// frameWant is a frame the test expects: a function and, when marker is
// set, the line of that marker comment.
type frameWant struct {
	function string
	marker   string
}

func funcName(f Frame) string {
	if f.Function == nil {
		return "??"
	}
	return f.Function.Name
}

func describeFrames(frames []Frame) string {
	var b strings.Builder
	for i, f := range frames {
		fmt.Fprintf(&b, "#%d %#x cfa=%#x %s", i, f.PC, f.CFA, funcName(f))
		if f.HasLocation {
			fmt.Fprintf(&b, " at %s:%d", filepath.Base(f.Location.File), f.Location.Line)
		}
		if f.SignalFrame {
			b.WriteString(" <signal handler called>")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// checkPrefix checks that frames start with want.
func checkPrefix(t *testing.T, src string, frames []Frame, want []frameWant) {
	t.Helper()
	if len(frames) < len(want) {
		t.Fatalf("got %d frames, want at least %d:\n%s", len(frames), len(want), describeFrames(frames))
	}
	for i, w := range want {
		f := frames[i]
		if got := funcName(f); got != w.function {
			t.Errorf("frame %d: function %s, want %s\n%s", i, got, w.function, describeFrames(frames))
		}
		if w.marker == "" {
			continue
		}
		line := fixture.Line(t, src, w.marker)
		if !f.HasLocation || f.Location.Line != line || filepath.Base(f.Location.File) != src {
			t.Errorf("frame %d (%s): location %v (known %v), want %s:%d (BP:%s)", i, w.function, f.Location, f.HasLocation, src, line, w.marker)
		}
	}
}

// checkCFAs checks the CFA grows from each frame to the next (signal frames
// may switch stacks, so the frame after one is exempt; an inlined frame
// shares the CFA of the physical frame after it).
func checkCFAs(t *testing.T, frames []Frame) {
	t.Helper()
	for i := 1; i < len(frames); i++ {
		if !frames[i-1].SignalFrame && !frames[i-1].Inlined && frames[i].CFA <= frames[i-1].CFA {
			t.Errorf("frame %d: CFA %#x does not grow past frame %d's %#x\n%s", i, frames[i].CFA, i-1, frames[i-1].CFA, describeFrames(frames))
		}
	}
}

// checkEndsAtStart checks the walk ended at the executable's _start, not on
// garbage.
func checkEndsAtStart(t *testing.T, frames []Frame) {
	t.Helper()
	if last := frames[len(frames)-1]; funcName(last) != "_start" {
		t.Errorf("the last frame is %s, want _start\n%s", funcName(last), describeFrames(frames))
	}
}

func stopAt(t *testing.T, bin, marker string, args ...string) (*tracee, *Table) {
	t.Helper()
	p := startTracee(t, bin, args...)
	p.breakAt(chainSrc, fixture.Line(t, chainSrc, marker))
	p.cont()
	return p, p.table()
}

func TestUnwindCallChain(t *testing.T) {
	t.Parallel()
	for _, pie := range []string{"-pie", "-no-pie"} {
		t.Run(pie, func(t *testing.T) {
			bin := fixture.C(t, chainSrc, pie, "-pthread")
			p, tab := stopAt(t, bin, "level3", "chain")
			frames, err := tab.Unwind(p.dwarfRegs(), p, 64)
			if err != nil {
				t.Fatal(err)
			}
			checkPrefix(t, chainSrc, frames, []frameWant{
				{"level3", "level3"}, {"level2", "call3"}, {"level1", "call2"}, {"main", "call1"},
			})
			checkCFAs(t, frames)
			checkEndsAtStart(t, frames)
			if frames[0].PC != p.regs.Rip || frames[0].LookupPC() != p.regs.Rip {
				t.Errorf("frame 0: PC %#x lookup %#x, want both %#x", frames[0].PC, frames[0].LookupPC(), p.regs.Rip)
			}
			if frames[1].LookupPC() != frames[1].PC-1 {
				t.Errorf("frame 1: lookup %#x, want the return address minus one (%#x)", frames[1].LookupPC(), frames[1].PC-1)
			}
			// The CFA of level3 is its caller's stack pointer before the
			// call: rbp+16 in a -O0 frame that pushed rbp.
			if frames[0].CFA != p.regs.Rbp+16 {
				t.Errorf("frame 0: CFA %#x, want rbp+16 = %#x", frames[0].CFA, p.regs.Rbp+16)
			}
			compareWithGDB(t, bin, chainSrc, fixture.Line(t, chainSrc, "level3"), []string{"chain"}, frames)
		})
	}
}

func TestUnwindRecursionHitCounts(t *testing.T) {
	t.Parallel()
	bin := fixture.C(t, chainSrc, "-pthread")
	p, tab := stopAt(t, bin, "recurse_bottom", "recurse")
	frames, err := tab.Unwind(p.dwarfRegs(), p, 100)
	if err != nil {
		t.Fatal(err)
	}
	want := []frameWant{{"recurse", "recurse_bottom"}}
	for range 25 {
		want = append(want, frameWant{"recurse", "recurse_call"})
	}
	want = append(want, frameWant{"main", "recurse_main"})
	checkPrefix(t, chainSrc, frames, want)
	checkCFAs(t, frames)
	checkEndsAtStart(t, frames)

	// maxFrames cuts the walk.
	short, err := tab.Unwind(p.dwarfRegs(), p, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(short) != 5 || short[4].CFA != frames[4].CFA {
		t.Errorf("Unwind(max 5) = %d frames, want the first 5 of the full walk\n%s", len(short), describeFrames(short))
	}
}

func TestUnwindThroughSignalFrame(t *testing.T) {
	t.Parallel()
	bin := fixture.C(t, chainSrc, "-pthread")
	p, tab := stopAt(t, bin, "segv_handler", "segv")
	frames, err := tab.Unwind(p.dwarfRegs(), p, 64)
	if err != nil {
		t.Fatal(err)
	}
	if len(frames) < 3 || !frames[1].SignalFrame {
		t.Fatalf("frame 1 is not the signal frame:\n%s", describeFrames(frames))
	}
	checkPrefix(t, chainSrc, frames[:1], []frameWant{{"on_segv", "segv_handler"}})
	// The trampoline is named by its own address (__restore_rt where libc
	// has symbols), not by the byte before it.
	if frames[1].LookupPC() != frames[1].PC {
		t.Errorf("signal frame: lookup %#x, want its PC %#x", frames[1].LookupPC(), frames[1].PC)
	}
	// The interrupted frame stands on the faulting instruction itself, not
	// on a return address.
	checkPrefix(t, chainSrc, frames[2:], []frameWant{{"crash", "crash"}, {"main", "crash_call"}})
	if frames[2].LookupPC() != frames[2].PC {
		t.Errorf("interrupted frame: lookup %#x, want its exact PC %#x", frames[2].LookupPC(), frames[2].PC)
	}
	// The kernel saved every register: rdi still holds crash's argument, 0.
	if r := frames[2].Regs.Reg(5); r == nil || r.Uint64Val != 0 {
		t.Errorf("interrupted frame: rdi = %v, want 0 (the NULL pointer crash got)", r)
	}
	checkCFAs(t, frames)
	checkEndsAtStart(t, frames)
	compareWithGDB(t, bin, chainSrc, fixture.Line(t, chainSrc, "segv_handler"), []string{"segv"}, frames)
}

func TestUnwindFromInsideSyscall(t *testing.T) {
	t.Parallel()
	bin := fixture.C(t, chainSrc, "-pthread")
	p := startTracee(t, bin, "sleep")
	p.contToSyscall(unix.SYS_CLOCK_NANOSLEEP)
	tab := p.table()
	frames, err := tab.Unwind(p.dwarfRegs(), p, 64)
	if err != nil {
		t.Fatal(err)
	}
	im := tab.ImageAt(frames[0].PC)
	if im == nil || !strings.Contains(filepath.Base(im.Path), "libc") {
		t.Fatalf("frame 0 at %#x is not in libc:\n%s", frames[0].PC, describeFrames(frames))
	}
	i := 0
	for i < len(frames) && funcName(frames[i]) != "sleeper" {
		if frames[i].Image != im {
			t.Fatalf("frame %d left libc before reaching sleeper:\n%s", i, describeFrames(frames))
		}
		i++
	}
	if i == 0 || i > 4 {
		t.Fatalf("sleeper is frame %d, want it after 1 to 4 libc frames:\n%s", i, describeFrames(frames))
	}
	checkPrefix(t, chainSrc, frames[i:], []frameWant{{"sleeper", "nanosleep_call"}, {"main", "sleeper_call"}})
	checkCFAs(t, frames)
	checkEndsAtStart(t, frames)

	// With glibc's split debug info installed (Debian's libc6-dbg), the
	// system call's own parameters read through its location lists:
	// clock_nanosleep got sleeper's ts.
	if frames[0].Function == nil || !frames[0].Function.HasDWARF() {
		t.Logf("libc has no debug info here: skipping its variables")
		return
	}
	params, _, err := tab.FrameVariables(&frames[0], p)
	if err != nil {
		t.Fatal(err)
	}
	_, sleeperLocals, err := tab.FrameVariables(&frames[i], p)
	if err != nil {
		t.Fatal(err)
	}
	ts := byName(t, sleeperLocals)["ts"]
	if ts == nil || ts.Addr == 0 {
		t.Fatalf("sleeper's ts: %+v, want a variable in memory", ts)
	}
	wantVar(t, byName(t, params), "req", "const struct timespec *", fmt.Sprintf("%#x", ts.Addr))
}

func TestUnwindThreadEndsAtStartRoutine(t *testing.T) {
	t.Parallel()
	bin := fixture.C(t, chainSrc, "-pthread")
	p, tab := stopAt(t, bin, "worker", "thread")
	if p.tid == p.pid {
		t.Fatalf("the breakpoint was hit by the main thread %d, want the worker", p.tid)
	}
	frames, err := tab.Unwind(p.dwarfRegs(), p, 64)
	if err != nil {
		t.Fatal(err)
	}
	checkPrefix(t, chainSrc, frames, []frameWant{{"worker", "worker"}})
	checkCFAs(t, frames)
	// Below worker: start_thread, then clone3, whose CFI marks the return
	// address undefined. Nothing else, and nothing outside libc.
	if len(frames) != 3 {
		t.Errorf("got %d frames, want worker, start_thread, clone3:\n%s", len(frames), describeFrames(frames))
	}
	for _, f := range frames[1:] {
		if f.Image == nil || !strings.Contains(filepath.Base(f.Image.Path), "libc") {
			t.Errorf("frame %#x is outside libc:\n%s", f.PC, describeFrames(frames))
		}
	}
	compareWithGDB(t, bin, chainSrc, fixture.Line(t, chainSrc, "worker"), []string{"thread"}, frames)
}

func TestUnwindGoroutine(t *testing.T) {
	t.Parallel()
	const src = "unwind_go/main.go"
	bin := fixture.Go(t, "unwind_go")
	p := startTracee(t, bin)
	p.breakAt("main.go", fixture.Line(t, src, "go_inner"))
	p.cont()
	tab := p.table()
	frames, err := tab.Unwind(p.dwarfRegs(), p, 64)
	if err != nil {
		t.Fatal(err)
	}
	want := []frameWant{{"main.inner", "go_inner"}, {"main.middle", "go_call_inner"}, {"main.outer", "go_call_middle"},
		{"main.main.gowrap1", ""}, // the wrapper the compiler makes for `go outer(1, done)`
		{"runtime.goexit", ""}}
	if len(frames) != len(want) {
		t.Errorf("got %d frames, want %d:\n%s", len(frames), len(want), describeFrames(frames))
	}
	for i, w := range want[:min(len(want), len(frames))] {
		if got := funcName(frames[i]); got != w.function {
			t.Errorf("frame %d: %s, want %s\n%s", i, got, w.function, describeFrames(frames))
		}
		if w.marker != "" {
			line := fixture.Line(t, src, w.marker)
			if frames[i].Location.Line != line {
				t.Errorf("frame %d: line %d, want %d (BP:%s)", i, frames[i].Location.Line, line, w.marker)
			}
		}
	}
	checkCFAs(t, frames)
}

// gdbFrame matches a frame line of gdb's bt: "#1  0x... in level2 (n=2) at
// /path/unwind_chain.c:17", "#0  level3 (n=3) at ...", "#1  <signal handler
// called>".
var gdbFrame = regexp.MustCompile(`^#(\d+)\s+(?:0x[0-9a-f]+ in )?(<signal handler called>|\S+)(?: \(.*\))?(?: at (\S+):(\d+))?`)

// compareWithGDB runs gdb to the same breakpoint and checks our frames
// agree with its backtrace, frame by frame, up to main (where gdb stops):
// the same signal frames, and the same function and line wherever gdb
// knows the source. Skipped where gdb is not installed.
func compareWithGDB(t *testing.T, bin, src string, line int, args []string, frames []Frame) {
	t.Helper()
	gdb, err := exec.LookPath("gdb")
	if err != nil {
		t.Log("gdb not installed: skipping the comparison with gdb's backtrace")
		return
	}
	cmdArgs := []string{"-nx", "-batch", "-ex", "set debuginfod enabled off", "-ex", "handle SIGSEGV nostop noprint pass", "-ex", fmt.Sprintf("break %s:%d", src, line),
		"-ex", "run", "-ex", "bt", "--args", bin}
	out, err := exec.Command(gdb, append(cmdArgs, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("gdb: %v\n%s", err, out)
	}
	var n int
	for _, l := range strings.Split(string(out), "\n") {
		m := gdbFrame.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		i, _ := strconv.Atoi(m[1])
		n = i + 1
		if i >= len(frames) {
			t.Fatalf("gdb has frame %q, we stop after %d:\n%s\ngdb:\n%s", l, len(frames), describeFrames(frames), out)
		}
		f := frames[i]
		switch {
		case m[2] == "<signal handler called>":
			if !f.SignalFrame {
				t.Errorf("gdb frame %d is the signal frame, ours is not:\n%s\ngdb:\n%s", i, describeFrames(frames), out)
			}
		case m[4] != "":
			wantLine, _ := strconv.Atoi(m[4])
			// gdb names C++ functions without their parameter types.
			name, _, _ := strings.Cut(funcName(f), "(")
			if name != m[2] || f.Location.Line != wantLine {
				t.Errorf("frame %d: ours %s:%d, gdb's %s:%d\n%s\ngdb:\n%s", i, funcName(f), f.Location.Line, m[2], wantLine, describeFrames(frames), out)
			}
		}
	}
	if n == 0 {
		t.Fatalf("no backtrace in gdb's output:\n%s", out)
	}
	if n > len(frames) {
		t.Errorf("gdb shows %d frames, we have %d", n, len(frames))
	}
}

// withoutCFI builds the chain fixture with no call-frame information for
// its own functions: no .eh_frame entries, and .debug_frame stripped.
func withoutCFI(t *testing.T) string {
	t.Helper()
	built := fixture.C(t, chainSrc, "-pthread", "-fno-asynchronous-unwind-tables", "-fno-unwind-tables")
	bin := filepath.Join(t.TempDir(), "unwind_chain_nocfi")
	if out, err := exec.Command("objcopy", "--remove-section=.debug_frame", built, bin).CombinedOutput(); err != nil {
		t.Skipf("objcopy: %v\n%s", err, out)
	}
	return bin
}

func TestUnwindFramePointerChain(t *testing.T) {
	t.Parallel()
	bin := withoutCFI(t)
	p := startTracee(t, bin, "chain")
	p.breakAt(chainSrc, fixture.Line(t, chainSrc, "level3"))
	p.cont()
	tab := p.table()
	exe := tab.ImageAt(p.regs.Rip)
	if fde := exe.frames().fdeAt(p.regs.Rip); fde != nil {
		t.Fatalf("level3 still has an FDE [%#x, %#x): the test would not exercise the frame-pointer walk", fde.Begin(), fde.End())
	}
	frames, err := tab.Unwind(p.dwarfRegs(), p, 64)
	if err != nil {
		t.Fatal(err)
	}
	checkPrefix(t, chainSrc, frames, []frameWant{
		{"level3", "level3"}, {"level2", "call3"}, {"level1", "call2"}, {"main", "call1"},
	})
	checkCFAs(t, frames)
	checkEndsAtStart(t, frames)
}

// At a function's first instructions the frame pointer is still the
// caller's: the walk must not skip the caller.
func TestUnwindFramePointerInPrologue(t *testing.T) {
	t.Parallel()
	bin := withoutCFI(t)
	p := startTracee(t, bin, "chain")
	p.breakAtSymbol("level3")
	p.cont()
	want := []frameWant{{"level3", ""}, {"level2", "call3"}, {"level1", "call2"}, {"main", "call1"}}
	for _, where := range []string{"push %rbp", "mov %rsp,%rbp"} {
		tab := p.table()
		frames, err := tab.Unwind(p.dwarfRegs(), p, 64)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("at %s:\n%s", where, describeFrames(frames))
		checkPrefix(t, chainSrc, frames, want)
		checkCFAs(t, frames)
		checkEndsAtStart(t, frames)
		p.step()
	}
}

// A call through a NULL function pointer leaves the PC at 0, outside every
// image; the return address is on top of the stack.
func TestUnwindFromNullCall(t *testing.T) {
	t.Parallel()
	bin := fixture.C(t, chainSrc, "-pthread")
	p := startTracee(t, bin, "nullcall")
	p.contToSignal(unix.SIGSEGV)
	if p.regs.Rip != 0 {
		t.Fatalf("SIGSEGV at PC %#x, want 0", p.regs.Rip)
	}
	tab := p.table()
	frames, err := tab.Unwind(p.dwarfRegs(), p, 64)
	if err != nil {
		t.Fatal(err)
	}
	if frames[0].PC != 0 || frames[0].Function != nil || frames[0].Image != nil {
		t.Errorf("frame 0: %+v, want PC 0 in no image", frames[0])
	}
	checkPrefix(t, chainSrc, frames[1:], []frameWant{{"call_null", "null_call"}, {"main", "call_null_main"}})
	checkCFAs(t, frames)
	checkEndsAtStart(t, frames)
}

// clock_gettime runs in the vDSO, an image with no file: S1's OpenVDSO reads
// it from memory, and its .eh_frame leads back to libc and the program.
func TestUnwindFromVDSO(t *testing.T) {
	t.Parallel()
	bin := fixture.C(t, chainSrc, "-pthread")
	p := startTracee(t, bin, "vdso")
	p.breakAt(chainSrc, fixture.Line(t, chainSrc, "vdso_call"))
	p.cont()
	tab := p.table()
	maps, err := ReadMaps(p.pid)
	if err != nil {
		t.Fatal(err)
	}
	vdso, err := OpenVDSO(maps, p)
	if err != nil || vdso == nil {
		t.Fatalf("OpenVDSO: %v, %v", vdso, err)
	}
	tab.Add(vdso)
	t.Cleanup(func() { vdso.Close() })
	fns, addrs, err := tab.FunctionAddresses("__vdso_clock_gettime")
	if err != nil || len(addrs) == 0 || fns[0].Image != vdso {
		t.Fatalf("__vdso_clock_gettime: %v %v, %v", fns, addrs, err)
	}
	p.breakAtAddr(fns[0].Entry)
	p.cont()
	frames, err := tab.Unwind(p.dwarfRegs(), p, 64)
	if err != nil {
		t.Fatal(err)
	}
	if frames[0].Image != vdso {
		t.Fatalf("frame 0 is not in the vDSO:\n%s", describeFrames(frames))
	}
	i := 1
	for i < len(frames) && funcName(frames[i]) != "timer" {
		i++
	}
	if i == len(frames) || i > 3 {
		t.Fatalf("timer is not within 3 frames of the vDSO:\n%s", describeFrames(frames))
	}
	checkPrefix(t, chainSrc, frames[i:], []frameWant{{"timer", "vdso_call"}, {"main", "timer_call"}})
	checkCFAs(t, frames)
	checkEndsAtStart(t, frames)
}

// A smashed stack ends the walk where the garbage starts, without an
// error and without garbage frames.
func TestUnwindStopsAtGarbage(t *testing.T) {
	t.Parallel()
	bin := fixture.C(t, chainSrc, "-pthread")
	for _, mode := range []string{"smash", "selfloop"} {
		t.Run(mode, func(t *testing.T) {
			p, tab := stopAt(t, bin, "smashed", mode)
			frames, err := tab.Unwind(p.dwarfRegs(), p, 64)
			if err != nil {
				t.Fatal(err)
			}
			checkPrefix(t, chainSrc, frames, []frameWant{{"smash", "smashed"}})
			if len(frames) != 1 {
				t.Errorf("got %d frames, want smash alone:\n%s", len(frames), describeFrames(frames))
			}
		})
	}
}
