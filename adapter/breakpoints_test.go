package adapter

import (
	"bufio"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/internal/fixture"
)

// Breakpoints with hit conditions, on functions and on instructions, and
// signals as exception filters, against real fixtures.

const (
	loopSrc    = "brk_loop.c"
	signalsSrc = "brk_signals.c"
	brkCppSrc  = "brk_cpp.cpp"
)

// launchLoop launches brk_loop with n iterations.
func launchLoop(t testing.TB, c *client, n int) int {
	t.Helper()
	return launchReal(t, c, map[string]any{"program": fixture.C(t, loopSrc), "args": []string{strconv.Itoa(n)}})
}

// sourceBreakpoints sets breakpoints as asked in one source and checks
// each is verified.
func sourceBreakpoints(t testing.TB, c *client, src string, bps ...dap.SourceBreakpoint) []dap.Breakpoint {
	t.Helper()
	seq := c.send("setBreakpoints", &dap.SetBreakpointsRequest{Arguments: dap.SetBreakpointsArguments{
		Source: dap.Source{Path: fixture.Source(t, src)}, Breakpoints: bps}})
	got := wantResponse[*dap.SetBreakpointsResponse](c, seq).Body.Breakpoints
	if len(got) != len(bps) {
		t.Fatalf("setBreakpoints answered %d breakpoints for %d", len(got), len(bps))
	}
	for i, b := range got {
		if !b.Verified || b.Line != bps[i].Line {
			t.Fatalf("breakpoint %d: %+v, want verified on line %d", i, b, bps[i].Line)
		}
	}
	return got
}

func finishConfiguration(t testing.TB, c *client) {
	t.Helper()
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
}

// topPC returns thread tid's program counter at this stop.
func topPC(t testing.TB, c *client, tid int) uint64 {
	t.Helper()
	ref := requestStack(t, c, tid, 0, 1).Body.StackFrames[0].InstructionPointerReference
	pc, err := strconv.ParseUint(ref, 0, 64)
	if err != nil {
		t.Fatalf("instructionPointerReference %q: %v", ref, err)
	}
	return pc
}

// hotArgument returns hot's argument i at a stop on the line BP:hot,
// read from the program's memory: brk_loop's counter `calls` equals i
// there.
func hotArgument(t testing.TB, c *client, pid int) int64 {
	t.Helper()
	return readGlobal(t, fixture.C(t, loopSrc), pid, "calls")
}

// readGlobal reads the 8-byte global variable name of the running
// executable prog from /proc/PID/mem, outside the debugger.
func readGlobal(t testing.TB, prog string, pid int, name string) int64 {
	t.Helper()
	f, err := elf.Open(prog)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(syms, func(s elf.Symbol) bool { return s.Name == name })
	if i < 0 {
		t.Fatalf("%s has no symbol %s", prog, name)
	}
	addr := syms[i].Value
	if f.Type == elf.ET_DYN {
		addr += loadBase(t, pid, prog)
	}
	mem, err := os.Open(fmt.Sprintf("/proc/%d/mem", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	var buf [8]byte
	if _, err := mem.ReadAt(buf[:], int64(addr)); err != nil {
		t.Fatalf("reading %s at %#x: %v", name, addr, err)
	}
	return int64(binary.LittleEndian.Uint64(buf[:]))
}

// loadBase returns where the PIE executable prog is mapped in process pid:
// the start of its mapping at file offset 0.
func loadBase(t testing.TB, pid int, prog string) uint64 {
	t.Helper()
	maps, err := os.ReadFile(fmt.Sprintf("/proc/%d/maps", pid))
	if err != nil {
		t.Fatal(err)
	}
	real, err := filepath.EvalSymlinks(prog)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(maps), "\n") {
		f := strings.Fields(line)
		if len(f) >= 6 && f[2] == "00000000" && (f[5] == prog || f[5] == real) {
			start, err := strconv.ParseUint(strings.Split(f[0], "-")[0], 16, 64)
			if err != nil {
				t.Fatal(err)
			}
			return start
		}
	}
	t.Fatalf("%s is not mapped in process %d", prog, pid)
	return 0
}

// TestHitConditions: each form of hitCondition stops at the hits it names,
// counted per breakpoint, and the program's loop variable agrees.
func TestHitConditions(t *testing.T) {
	const n = 7
	for _, tc := range []struct {
		hit  string
		hits []int // 1-based hit numbers that stop; i is hit-1
	}{
		{"3", []int{3, 4, 5, 6, 7}},
		{">= 6", []int{6, 7}},
		{"> 5", []int{6, 7}},
		{"== 3", []int{3}},
		{"% 3", []int{3, 6}},
		{"< 3", []int{1, 2}},
		{"<= 1", []int{1}},
	} {
		t.Run(tc.hit, func(t *testing.T) {
			c := startReal(t)
			pid := launchLoop(t, c, n)
			bps := sourceBreakpoints(t, c, loopSrc, dap.SourceBreakpoint{Line: fixture.Line(t, loopSrc, "hot"), HitCondition: tc.hit})
			finishConfiguration(t, c)
			for _, hit := range tc.hits {
				st := wantStopped(t, c, "breakpoint", pid)
				if !slices.Equal(st.Body.HitBreakpointIds, []int{bps[0].Id}) {
					t.Fatalf("hitBreakpointIds %v, want [%d]", st.Body.HitBreakpointIds, bps[0].Id)
				}
				if i := hotArgument(t, c, pid); i != int64(hit-1) {
					t.Fatalf("stopped with i = %d, want hit %d (i = %d)", i, hit, hit-1)
				}
				continueThread(t, c, pid)
			}
			wantExit(t, c, 0)
			if got := c.out.stdout.String(); got != fmt.Sprintf("done %d\n", n*(n-1)/2) {
				t.Errorf("stdout %q", got)
			}
		})
	}
}

// TestBadHitCondition: a hit condition that does not parse answers
// verified:false with the forms that work, and does not stop.
func TestBadHitCondition(t *testing.T) {
	c := startReal(t)
	launchLoop(t, c, 3)
	seq := c.send("setBreakpoints", &dap.SetBreakpointsRequest{Arguments: dap.SetBreakpointsArguments{
		Source: dap.Source{Path: fixture.Source(t, loopSrc)}, Breakpoints: []dap.SourceBreakpoint{{Line: fixture.Line(t, loopSrc, "hot"), HitCondition: "every 2"}}}})
	bp := wantResponse[*dap.SetBreakpointsResponse](c, seq).Body.Breakpoints[0]
	if bp.Verified || !strings.Contains(bp.Message, `"every 2"`) || !strings.Contains(bp.Message, "% N") {
		t.Errorf("breakpoint %+v, want unverified with the forms that work", bp)
	}
	finishConfiguration(t, c)
	wantExit(t, c, 0)
}

// TestHitCountKeptWhenConditionChanges: setBreakpoints again on the same
// line with another hit condition keeps the breakpoint's id and count.
func TestHitCountKeptWhenConditionChanges(t *testing.T) {
	c := startReal(t)
	pid := launchLoop(t, c, 10)
	line := fixture.Line(t, loopSrc, "hot")
	first := sourceBreakpoints(t, c, loopSrc, dap.SourceBreakpoint{Line: line, HitCondition: "== 2"})
	finishConfiguration(t, c)
	wantStopped(t, c, "breakpoint", pid)
	again := sourceBreakpoints(t, c, loopSrc, dap.SourceBreakpoint{Line: line, HitCondition: "== 5"})
	if again[0].Id != first[0].Id {
		t.Errorf("id %d after changing the hit condition, want %d kept", again[0].Id, first[0].Id)
	}
	continueThread(t, c, pid)
	wantStopped(t, c, "breakpoint", pid)
	if i := hotArgument(t, c, pid); i != 4 {
		t.Errorf("stopped with i = %d, want the fifth hit (i = 4)", i)
	}
	continueThread(t, c, pid)
	wantExit(t, c, 0)
}

// TestFunctionBreakpoints: by C name, by demangled C++ name, and a name
// that matches nothing.
func TestFunctionBreakpoints(t *testing.T) {
	t.Run("C", func(t *testing.T) {
		c := startReal(t)
		pid := launchLoop(t, c, 4)
		seq := c.send("setFunctionBreakpoints", &dap.SetFunctionBreakpointsRequest{Arguments: dap.SetFunctionBreakpointsArguments{
			Breakpoints: []dap.FunctionBreakpoint{{Name: "hot", HitCondition: "% 2"}, {Name: "no_such_function"}}}})
		bps := wantResponse[*dap.SetFunctionBreakpointsResponse](c, seq).Body.Breakpoints
		line := fixture.Line(t, loopSrc, "hot")
		if len(bps) != 2 || !bps[0].Verified || bps[0].Line != line || bps[0].Source == nil || !strings.HasSuffix(bps[0].Source.Path, loopSrc) ||
			!strings.HasPrefix(bps[0].InstructionReference, "0x") {
			t.Fatalf("function breakpoints %+v, want hot verified at %s:%d with its address", bps, loopSrc, line)
		}
		if bps[1].Verified || !strings.Contains(bps[1].Message, `"no_such_function"`) {
			t.Errorf("breakpoint on a missing function: %+v, want unverified naming it", bps[1])
		}
		finishConfiguration(t, c)
		for _, want := range []int64{1, 3} {
			st := wantStopped(t, c, "function breakpoint", pid)
			if !slices.Equal(st.Body.HitBreakpointIds, []int{bps[0].Id}) {
				t.Errorf("hitBreakpointIds %v, want [%d]", st.Body.HitBreakpointIds, bps[0].Id)
			}
			wantTop(t, c, pid, "hot", line)
			if pc := fmt.Sprintf("%#x", topPC(t, c, pid)); pc != bps[0].InstructionReference {
				t.Errorf("stopped at %s, want the breakpoint's address %s", pc, bps[0].InstructionReference)
			}
			if i := hotArgument(t, c, pid); i != want {
				t.Errorf("i = %d, want %d (every second hit)", i, want)
			}
			continueThread(t, c, pid)
		}
		wantExit(t, c, 0)
	})
	t.Run("C++", func(t *testing.T) {
		c := startReal(t)
		pid := launchReal(t, c, map[string]any{"program": fixture.C(t, brkCppSrc)})
		seq := c.send("setFunctionBreakpoints", &dap.SetFunctionBreakpointsRequest{Arguments: dap.SetFunctionBreakpointsArguments{
			Breakpoints: []dap.FunctionBreakpoint{{Name: "shapes::Circle::area"}}}})
		bps := wantResponse[*dap.SetFunctionBreakpointsResponse](c, seq).Body.Breakpoints
		line := fixture.Line(t, brkCppSrc, "area")
		if len(bps) != 1 || !bps[0].Verified || bps[0].Line != line {
			t.Fatalf("function breakpoint %+v, want verified on line %d", bps, line)
		}
		finishConfiguration(t, c)
		wantStopped(t, c, "function breakpoint", pid)
		wantTop(t, c, pid, "shapes::Circle::area() const", line)
		continueThread(t, c, pid)
		wantExit(t, c, 0)
	})
}

// TestRustFunctionBreakpoint: a Rust method by its path,
// crate::module::Type::method.
func TestRustFunctionBreakpoint(t *testing.T) {
	const src = "sym_rust.rs"
	rustc, err := exec.LookPath("rustc")
	if err != nil {
		t.Skip("rustc is not installed")
	}
	prog := filepath.Join(t.TempDir(), "sym_rust")
	if out, err := exec.Command(rustc, "-g", "-C", "opt-level=0", "-o", prog, fixture.Source(t, src)).CombinedOutput(); err != nil {
		t.Fatalf("rustc: %v\n%s", err, out)
	}
	c := startReal(t)
	pid := launchReal(t, c, map[string]any{"program": prog})
	seq := c.send("setFunctionBreakpoints", &dap.SetFunctionBreakpointsRequest{Arguments: dap.SetFunctionBreakpointsArguments{
		Breakpoints: []dap.FunctionBreakpoint{{Name: "sym_rust::shapes::Square::area"}}}})
	bp := wantResponse[*dap.SetFunctionBreakpointsResponse](c, seq).Body.Breakpoints[0]
	line := fixture.Line(t, src, "rust_area")
	if !bp.Verified || bp.Line != line {
		t.Fatalf("function breakpoint %+v, want verified on line %d", bp, line)
	}
	finishConfiguration(t, c)
	wantStopped(t, c, "function breakpoint", pid)
	wantTop(t, c, pid, "sym_rust::shapes::Square::area", line)
	continueThread(t, c, pid)
	wantExit(t, c, 0)
	if got := c.out.stdout.String(); got != "10\n" {
		t.Errorf("stdout %q", got)
	}
}

// TestGoFunctionBreakpoint: a Go function by its package-qualified name
// stops at its body, past the prologue that grows the stack.
func TestGoFunctionBreakpoint(t *testing.T) {
	const src = "session_go/main.go"
	c := startReal(t)
	launchReal(t, c, map[string]any{"program": fixture.Go(t, "session_go")})
	seq := c.send("setFunctionBreakpoints", &dap.SetFunctionBreakpointsRequest{Arguments: dap.SetFunctionBreakpointsArguments{
		Breakpoints: []dap.FunctionBreakpoint{{Name: "main.square"}}}})
	bp := wantResponse[*dap.SetFunctionBreakpointsResponse](c, seq).Body.Breakpoints[0]
	line := fixture.Line(t, src, "go_square")
	if !bp.Verified || bp.Line != line {
		t.Fatalf("function breakpoint %+v, want verified on line %d", bp, line)
	}
	finishConfiguration(t, c)
	st := wantStopped(t, c, "function breakpoint", 0)
	wantTop(t, c, st.Body.ThreadId, "main.square", line)
	continueThread(t, c, st.Body.ThreadId)
	wantExit(t, c, 5)
}

// TestInstructionBreakpointWithOffset: an instruction breakpoint given as
// a reference and a byte offset stops at their sum.
func TestInstructionBreakpointWithOffset(t *testing.T) {
	c := startReal(t)
	pid := launchLoop(t, c, 3)
	line := fixture.Line(t, loopSrc, "hot")
	sourceBreakpoints(t, c, loopSrc, dap.SourceBreakpoint{Line: line})
	finishConfiguration(t, c)
	wantStopped(t, c, "breakpoint", pid)
	pc := topPC(t, c, pid)
	requestBreakpoints(t, c, fixture.Source(t, loopSrc))

	seq := c.send("setInstructionBreakpoints", &dap.SetInstructionBreakpointsRequest{Arguments: dap.SetInstructionBreakpointsArguments{
		Breakpoints: []dap.InstructionBreakpoint{{InstructionReference: fmt.Sprintf("%#x", pc-16), Offset: 16, HitCondition: "2"}, {InstructionReference: "main+4"},
			{InstructionReference: fmt.Sprintf("%#x", pc), Offset: 1}}}})
	bps := wantResponse[*dap.SetInstructionBreakpointsResponse](c, seq).Body.Breakpoints
	// gcc -O0 starts the line with a 7-byte load of sink: pc+1 is inside it.
	if want := fmt.Sprintf("%#x is inside the 7-byte instruction at %#x", pc+1, pc); len(bps) != 3 || bps[2].Verified || !strings.HasPrefix(bps[2].Message, want) {
		t.Errorf("instruction breakpoint inside an instruction: %+v, want unverified: %s", bps, want)
	}
	if len(bps) != 3 || !bps[0].Verified || bps[0].InstructionReference != fmt.Sprintf("%#x", pc) || bps[0].Line != line {
		t.Fatalf("instruction breakpoints %+v, want the first verified at %#x (line %d)", bps, pc, line)
	}
	if bps[1].Verified || !strings.Contains(bps[1].Message, `"main+4"`) {
		t.Errorf("instruction breakpoint on %q: %+v, want unverified naming it", "main+4", bps[1])
	}
	// Hits 1 (i = 1) and 2 (i = 2) after the line breakpoint's stop at
	// i = 0; "2" stops from the second on.
	continueThread(t, c, pid)
	st := wantStopped(t, c, "instruction breakpoint", pid)
	if !slices.Equal(st.Body.HitBreakpointIds, []int{bps[0].Id}) || topPC(t, c, pid) != pc {
		t.Errorf("stopped %+v at %#x, want breakpoint %d at %#x", st.Body, topPC(t, c, pid), bps[0].Id, pc)
	}
	if i := hotArgument(t, c, pid); i != 2 {
		t.Errorf("i = %d, want 2 (the second hit)", i)
	}
	continueThread(t, c, pid)
	wantExit(t, c, 0)
}

// setExceptionFilters sends setExceptionBreakpoints and returns its
// breakpoints.
func setExceptionFilters(t testing.TB, c *client, filters []string, options ...dap.ExceptionFilterOptions) []dap.Breakpoint {
	t.Helper()
	seq := c.send("setExceptionBreakpoints", &dap.SetExceptionBreakpointsRequest{Arguments: dap.SetExceptionBreakpointsArguments{
		Filters: filters, FilterOptions: options}})
	return wantResponse[*dap.SetExceptionBreakpointsResponse](c, seq).Body.Breakpoints
}

func requestExceptionInfo(t testing.TB, c *client, tid int) dap.ExceptionInfoResponseBody {
	t.Helper()
	seq := c.send("exceptionInfo", &dap.ExceptionInfoRequest{Arguments: dap.ExceptionInfoArguments{ThreadId: tid}})
	return wantResponse[*dap.ExceptionInfoResponse](c, seq).Body
}

// TestSignalFilters: SIGUSR1 reaches the program without a stop by
// default; with the "user" filter each one stops, and is delivered to
// the program's handler on continue; a condition can exclude it again.
func TestSignalFilters(t *testing.T) {
	prog := fixture.C(t, signalsSrc)
	t.Run("default", func(t *testing.T) {
		c := startReal(t)
		launchReal(t, c, map[string]any{"program": prog})
		finishConfiguration(t, c)
		wantExit(t, c, 0)
		if got := c.out.stdout.String(); got != "usr1 handled 2\n" {
			t.Errorf("stdout %q", got)
		}
	})
	t.Run("user", func(t *testing.T) {
		c := startReal(t)
		pid := launchReal(t, c, map[string]any{"program": prog})
		if bps := setExceptionFilters(t, c, []string{"fatal", "user"}); len(bps) != 2 || !bps[0].Verified || !bps[1].Verified {
			t.Fatalf("filters answered %+v", bps)
		}
		finishConfiguration(t, c)
		for range 2 {
			st := wantStopped(t, c, "exception", pid)
			if want := fmt.Sprintf("SIGUSR1 sent by process %d (tgkill)", pid); st.Body.Description != want {
				t.Errorf("description %q, want %q", st.Body.Description, want)
			}
			info := requestExceptionInfo(t, c, pid)
			if info.ExceptionId != "SIGUSR1" || info.BreakMode != "always" || info.Details == nil ||
				!strings.Contains(info.Details.Message, "handler") || !strings.Contains(info.Details.FullTypeName, `"user"`) {
				t.Errorf("exceptionInfo %+v %+v", info, info.Details)
			}
			continueThread(t, c, pid)
		}
		wantExit(t, c, 0)
		if got := c.out.stdout.String(); got != "usr1 handled 2\n" {
			t.Errorf("stdout %q: the stops must not swallow the signals", got)
		}
	})
	t.Run("condition", func(t *testing.T) {
		c := startReal(t)
		launchReal(t, c, map[string]any{"program": prog})
		bps := setExceptionFilters(t, c, nil, dap.ExceptionFilterOptions{FilterId: "user", Condition: "!SIGUSR1"},
			dap.ExceptionFilterOptions{FilterId: "other", Condition: "SIGNOPE"})
		if len(bps) != 2 || !bps[0].Verified || bps[1].Verified || !strings.Contains(bps[1].Message, `"SIGNOPE"`) {
			t.Fatalf("filters answered %+v, want the second unverified naming SIGNOPE", bps)
		}
		finishConfiguration(t, c)
		wantExit(t, c, 0)
	})
}

// TestSegvExceptionInfo: a write through a bad pointer stops (the fatal
// filter is on by default) at the faulting line, and exceptionInfo names
// the signal, its si_code and the address.
func TestSegvExceptionInfo(t *testing.T) {
	c := startReal(t)
	pid := launchReal(t, c, map[string]any{"program": fixture.C(t, signalsSrc), "args": []string{"crash"}})
	finishConfiguration(t, c)
	st := wantStopped(t, c, "exception", pid)
	if st.Body.Description != "SIGSEGV at 0x10: address not mapped" {
		t.Errorf("description %q", st.Body.Description)
	}
	wantTop(t, c, pid, "main", fixture.Line(t, signalsSrc, "crash"))
	info := requestExceptionInfo(t, c, pid)
	if info.ExceptionId != "SIGSEGV" || info.Description != "SIGSEGV at 0x10: address not mapped (SEGV_MAPERR)" || info.BreakMode != "always" {
		t.Errorf("exceptionInfo %+v", info)
	}
	if info.Details == nil || !strings.Contains(info.Details.Message, "ends the program") || !strings.Contains(info.Details.FullTypeName, `"fatal"`) {
		t.Errorf("exceptionInfo details %+v", info.Details)
	}
	continueThread(t, c, pid)
	wantExit(t, c, 128+11)
	if got := c.out.stdout.String(); got != "usr1 handled 2\n" {
		t.Errorf("stdout %q", got)
	}
}

// TestExceptionCapabilities: the filters are advertised with their
// defaults, with conditions.
func TestExceptionCapabilities(t *testing.T) {
	c := startReal(t)
	seq := c.send("initialize", &dap.InitializeRequest{Arguments: dap.InitializeRequestArguments{AdapterID: "test"}})
	caps := expectResponse[*dap.InitializeResponse](c, seq).Body
	var ids []string
	for _, f := range caps.ExceptionBreakpointFilters {
		ids = append(ids, f.Filter)
		if f.Default != (f.Filter == "fatal") || !f.SupportsCondition || f.ConditionDescription == "" || f.Label == "" {
			t.Errorf("filter %+v", f)
		}
	}
	if !slices.Equal(ids, []string{"fatal", "interrupt", "user", "other"}) {
		t.Errorf("filters %v", ids)
	}
	if !caps.SupportsExceptionFilterOptions || !caps.SupportsExceptionInfoRequest || !caps.SupportsFunctionBreakpoints ||
		!caps.SupportsInstructionBreakpoints || !caps.SupportsHitConditionalBreakpoints {
		t.Errorf("capabilities %+v", caps)
	}
}

// TestConditionStopsOnce: `i == 5` stops exactly once, with i == 5.
func TestConditionStopsOnce(t *testing.T) {
	c := startReal(t)
	pid := launchLoop(t, c, 10)
	bps := sourceBreakpoints(t, c, loopSrc, dap.SourceBreakpoint{Line: fixture.Line(t, loopSrc, "hot"), Condition: "i == 5"})
	finishConfiguration(t, c)
	st := wantStopped(t, c, "breakpoint", pid)
	if !slices.Equal(st.Body.HitBreakpointIds, []int{bps[0].Id}) || st.Body.Description != "" {
		t.Errorf("stopped %+v, want breakpoint %d without a description", st.Body, bps[0].Id)
	}
	if i := hotArgument(t, c, pid); i != 5 {
		t.Errorf("stopped with i = %d, want 5", i)
	}
	frame := requestStack(t, c, pid, 0, 1).Body.StackFrames[0].Id
	seq := c.send("evaluate", &dap.EvaluateRequest{Arguments: dap.EvaluateArguments{Expression: "i", FrameId: frame, Context: "watch"}})
	if r := wantResponse[*dap.EvaluateResponse](c, seq); r.Body.Result != "5" {
		t.Errorf("evaluate i = %q, want 5", r.Body.Result)
	}
	continueThread(t, c, pid)
	wantExit(t, c, 0)
	if got := c.out.stdout.String(); got != "done 45\n" {
		t.Errorf("stdout %q", got)
	}
}

// TestConditionAndHitCount: hits count only where the condition holds.
func TestConditionAndHitCount(t *testing.T) {
	c := startReal(t)
	pid := launchLoop(t, c, 12)
	sourceBreakpoints(t, c, loopSrc, dap.SourceBreakpoint{Line: fixture.Line(t, loopSrc, "hot"), Condition: "i % 3 == 0", HitCondition: "== 3"})
	finishConfiguration(t, c)
	wantStopped(t, c, "breakpoint", pid)
	if i := hotArgument(t, c, pid); i != 6 {
		t.Errorf("stopped with i = %d, want 6 (the third i divisible by 3)", i)
	}
	continueThread(t, c, pid)
	wantExit(t, c, 0)
}

// evaluateIn evaluates expr in thread tid's innermost frame.
func evaluateIn(t testing.TB, c *client, tid int, expr string) string {
	t.Helper()
	frame := requestStack(t, c, tid, 0, 1).Body.StackFrames[0].Id
	seq := c.send("evaluate", &dap.EvaluateRequest{Arguments: dap.EvaluateArguments{Expression: expr, FrameId: frame, Context: "watch"}})
	return wantResponse[*dap.EvaluateResponse](c, seq).Body.Result
}

// TestConditionsAcrossThreads: four threads hit one conditional
// breakpoint at once; the condition is evaluated in the thread that hit,
// and the hit count is shared by the threads.
func TestConditionsAcrossThreads(t *testing.T) {
	const src = "brk_threads.c"
	for _, tc := range []struct {
		condition, hit string
		t, k           string
	}{
		{"t == 2 && k == 7", "", "2", "7"},
		{"t == 1", "== 50", "1", "49"},
	} {
		t.Run(tc.condition+" "+tc.hit, func(t *testing.T) {
			c := startReal(t)
			pid := launchReal(t, c, map[string]any{"program": fixture.C(t, src, "-pthread")})
			sourceBreakpoints(t, c, src, dap.SourceBreakpoint{Line: fixture.Line(t, src, "work"), Condition: tc.condition, HitCondition: tc.hit})
			finishConfiguration(t, c)
			st := wantStopped(t, c, "breakpoint", 0)
			tid := st.Body.ThreadId
			if tid == pid {
				t.Errorf("stopped in the main thread, which never calls work")
			}
			if gotT, gotK := evaluateIn(t, c, tid, "t"), evaluateIn(t, c, tid, "k"); gotT != tc.t || gotK != tc.k {
				t.Errorf("stopped in thread %d with t = %s, k = %s; want t = %s, k = %s", tid, gotT, gotK, tc.t, tc.k)
			}
			continueThread(t, c, tid)
			wantExit(t, c, 0)
			if got := c.out.stdout.String(); got != "total 119400\n" {
				t.Errorf("stdout %q", got)
			}
		})
	}
}

// TestLogpoint: a log message is printed at each hit, expressions
// expanded, in order, and the program never stops.
func TestLogpoint(t *testing.T) {
	c := startReal(t)
	launchLoop(t, c, 4)
	sourceBreakpoints(t, c, loopSrc, dap.SourceBreakpoint{Line: fixture.Line(t, loopSrc, "hot"), LogMessage: "hot i={i} sink={sink} {{literal}}"})
	finishConfiguration(t, c)
	wantExit(t, c, 0)
	want := "hot i=0 sink=0 {literal}\nhot i=1 sink=0 {literal}\nhot i=2 sink=1 {literal}\nhot i=3 sink=3 {literal}\n"
	if got := c.out.console.String(); got != want {
		t.Errorf("console %q, want %q", got, want)
	}
	if got := c.out.stdout.String(); got != "done 6\n" {
		t.Errorf("stdout %q", got)
	}
}

// TestFailingConditionStops: a condition that cannot be evaluated stops
// at the first hit and says why, in the stopped event and the console.
func TestFailingConditionStops(t *testing.T) {
	c := startReal(t)
	pid := launchLoop(t, c, 3)
	bps := sourceBreakpoints(t, c, loopSrc, dap.SourceBreakpoint{Line: fixture.Line(t, loopSrc, "hot"), Condition: "no_such_variable > 1"})
	finishConfiguration(t, c)
	st := wantStopped(t, c, "breakpoint", pid)
	if !slices.Equal(st.Body.HitBreakpointIds, []int{bps[0].Id}) || !strings.Contains(st.Body.Description, `"no_such_variable > 1" could not be evaluated`) ||
		!strings.Contains(st.Body.Description, "no_such_variable") || st.Body.Text != st.Body.Description {
		t.Errorf("stopped %+v, want the condition's failure", st.Body)
	}
	if !strings.Contains(c.out.console.String(), st.Body.Description) {
		t.Errorf("console %q does not say why", c.out.console.String())
	}
	if i := hotArgument(t, c, pid); i != 0 {
		t.Errorf("stopped with i = %d, want the first hit", i)
	}
}

// TestSharedAddress: a line breakpoint and a function breakpoint at the
// same address each decide for themselves; the stop names both when both
// say stop, and neither's hit is lost when only one does.
func TestSharedAddress(t *testing.T) {
	c := startReal(t)
	pid := launchLoop(t, c, 6)
	line := sourceBreakpoints(t, c, loopSrc, dap.SourceBreakpoint{Line: fixture.Line(t, loopSrc, "hot"), Condition: "i >= 2"})
	seq := c.send("setFunctionBreakpoints", &dap.SetFunctionBreakpointsRequest{Arguments: dap.SetFunctionBreakpointsArguments{
		Breakpoints: []dap.FunctionBreakpoint{{Name: "hot", HitCondition: "== 4"}}}})
	fn := wantResponse[*dap.SetFunctionBreakpointsResponse](c, seq).Body.Breakpoints
	if !fn[0].Verified || fn[0].Line != line[0].Line {
		t.Fatalf("function breakpoint %+v, want it on line %d like the line breakpoint", fn[0], line[0].Line)
	}
	finishConfiguration(t, c)
	for i := int64(2); i < 6; i++ {
		st := wantStopped(t, c, "breakpoint", pid) // the reason of the first breakpoint set there
		want := []int{line[0].Id}
		if i == 3 {
			want = append(want, fn[0].Id)
		}
		if got := hotArgument(t, c, pid); got != i || !slices.Equal(st.Body.HitBreakpointIds, want) {
			t.Fatalf("stop with i = %d, ids %v; want i = %d, ids %v", got, st.Body.HitBreakpointIds, i, want)
		}
		continueThread(t, c, pid)
	}
	wantExit(t, c, 0)
}

// TestPendingFunctionBreakpointInLibrary: a function of a library not
// loaded yet is unverified, then bound by a `breakpoint` event when dlopen
// maps it, and stops with its condition checked there.
func TestPendingFunctionBreakpointInLibrary(t *testing.T) {
	const libSrc = "session_lib.c"
	lib := fixture.C(t, libSrc, "-shared", "-fPIC")
	c := startReal(t)
	pid := launchReal(t, c, map[string]any{"program": fixture.C(t, "session_dlopen.c", "-ldl"), "args": []string{lib}})
	seq := c.send("setFunctionBreakpoints", &dap.SetFunctionBreakpointsRequest{Arguments: dap.SetFunctionBreakpointsArguments{
		Breakpoints: []dap.FunctionBreakpoint{{Name: "lib_triple", Condition: "x == 14"}}}})
	bp := wantResponse[*dap.SetFunctionBreakpointsResponse](c, seq).Body.Breakpoints[0]
	if bp.Verified || !strings.Contains(bp.Message, "library loaded later") {
		t.Fatalf("function breakpoint in a library not loaded yet: %+v, want unverified, pending", bp)
	}
	finishConfiguration(t, c)
	body := fixture.Line(t, libSrc, "lib_body")
	ev := want[*dap.BreakpointEvent](c)
	if ev.Body.Reason != "changed" || ev.Body.Breakpoint.Id != bp.Id || !ev.Body.Breakpoint.Verified || ev.Body.Breakpoint.Line != body {
		t.Errorf("breakpoint event %+v, want breakpoint %d verified at line %d", ev.Body, bp.Id, body)
	}
	st := wantStopped(t, c, "function breakpoint", pid)
	if !slices.Equal(st.Body.HitBreakpointIds, []int{bp.Id}) {
		t.Errorf("hitBreakpointIds %v, want [%d]", st.Body.HitBreakpointIds, bp.Id)
	}
	wantTop(t, c, pid, "lib_triple", body)
	continueThread(t, c, pid)
	wantExit(t, c, 0)
}

// TestExceptionFiltersBetweenStops: filters changed at a stop apply from
// the next resume on, and turning every filter off lets even a crash
// signal through (none comes here).
func TestExceptionFiltersBetweenStops(t *testing.T) {
	c := startReal(t)
	pid := launchReal(t, c, map[string]any{"program": fixture.C(t, signalsSrc)})
	sourceBreakpoints(t, c, signalsSrc, dap.SourceBreakpoint{Line: fixture.Line(t, signalsSrc, "raise1")})
	finishConfiguration(t, c)
	wantStopped(t, c, "breakpoint", pid)
	requestBreakpoints(t, c, fixture.Source(t, signalsSrc))
	setExceptionFilters(t, c, []string{"user"})
	continueThread(t, c, pid)
	st := wantStopped(t, c, "exception", pid)
	if !strings.HasPrefix(st.Body.Description, "SIGUSR1 ") {
		t.Errorf("stopped %+v, want SIGUSR1", st.Body)
	}
	continueThread(t, c, pid)
	wantStopped(t, c, "exception", pid)
	setExceptionFilters(t, c, nil) // nothing stops now, not even a crash
	continueThread(t, c, pid)
	wantExit(t, c, 0)
	if got := c.out.stdout.String(); got != "usr1 handled 2\n" {
		t.Errorf("stdout %q", got)
	}
}

// TestExceptionFiltersWhileRunning: setExceptionBreakpoints while the
// program runs applies at once, without a stopped event of its own; a
// SIGUSR1 sent from outside then stops, and once passed kills the
// program, which has no handler for it.
func TestExceptionFiltersWhileRunning(t *testing.T) {
	c := startReal(t)
	pid := runSpin(t, c)
	setExceptionFilters(t, c, []string{"fatal", "user"})
	if err := syscall.Kill(pid, syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	st := wantStopped(t, c, "exception", pid)
	if want := fmt.Sprintf("SIGUSR1 sent by process %d (kill)", os.Getpid()); st.Body.Description != want {
		t.Errorf("description %q, want %q", st.Body.Description, want)
	}
	info := requestExceptionInfo(t, c, pid)
	if info.ExceptionId != "SIGUSR1" || info.Details == nil || !strings.HasSuffix(info.Details.Message, "continuing delivers it and ends the program.") {
		t.Errorf("exceptionInfo %+v %+v", info, info.Details)
	}
	continueThread(t, c, pid)
	wantExit(t, c, 128+int(syscall.SIGUSR1))
}

// BenchmarkConditionalBreakpoint compares, in one run, on brk_loop.c
// (the shared benchmark's loop.c) at the line BP:hot:
//
//   - unconditional: the breakpoint cycle, continue → `stopped` over DAP
//     (stops/s);
//   - false-condition: `i == -1`, false at every hit, decided inside the
//     adapter (evals/s): the program runs b.N hits from main to its end;
//   - gdb: the same with gdb -batch, `break brk_loop.c:LINE if i == -1`,
//     timed from main to the end of the program (evals/s).
//
// Run: go test ./adapter -run '^$' -bench ConditionalBreakpoint -benchtime 3000x
func BenchmarkConditionalBreakpoint(b *testing.B) {
	prog := fixture.C(b, loopSrc)
	hot := fixture.Line(b, loopSrc, "hot")
	b.Run("unconditional", func(b *testing.B) {
		c := startBench(b)
		pid := launchLoop(b, c, 1<<40)
		sourceBreakpoints(b, c, loopSrc, dap.SourceBreakpoint{Line: hot})
		finishConfiguration(b, c)
		wantStopped(b, c, "breakpoint", pid)
		b.ResetTimer()
		for b.Loop() {
			continueThread(b, c, pid)
			wantStopped(b, c, "breakpoint", pid)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "stops/s")
	})
	b.Run("false-condition", func(b *testing.B) {
		c := startBench(b)
		pid := launchLoop(b, c, b.N)
		seq := c.send("setFunctionBreakpoints", &dap.SetFunctionBreakpointsRequest{Arguments: dap.SetFunctionBreakpointsArguments{
			Breakpoints: []dap.FunctionBreakpoint{{Name: "main"}}}})
		wantResponse[*dap.SetFunctionBreakpointsResponse](c, seq)
		bps := sourceBreakpoints(b, c, loopSrc, dap.SourceBreakpoint{Line: hot, Condition: "i == -1"},
			dap.SourceBreakpoint{Line: fixture.Line(b, loopSrc, "loop_end")})
		finishConfiguration(b, c)
		wantStopped(b, c, "function breakpoint", pid)
		b.ResetTimer()
		continueThread(b, c, pid)
		st := wantStopped(b, c, "breakpoint", pid)
		b.StopTimer()
		if !slices.Equal(st.Body.HitBreakpointIds, []int{bps[1].Id}) {
			b.Fatalf("stopped at %v, want the end of the loop (%d)", st.Body.HitBreakpointIds, bps[1].Id)
		}
		if n := readGlobal(b, prog, pid, "calls"); n != int64(b.N) {
			b.Fatalf("hot ran %d times, want %d", n, b.N)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
	})
	b.Run("gdb", func(b *testing.B) {
		gdbConditionRun(b, prog, hot)
	})
}

// gdbConditionRun runs brk_loop for b.N hits under gdb -batch with the
// condition `i == -1` on line, timing from main to the program's exit.
func gdbConditionRun(b *testing.B, prog string, line int) {
	gdb, err := exec.LookPath("gdb")
	if err != nil {
		b.Skip("gdb is not installed")
	}
	script := filepath.Join(b.TempDir(), "cond.gdb")
	if err := os.WriteFile(script, []byte(strings.Join([]string{
		"set pagination off", "set confirm off", "set startup-with-shell off", "set debuginfod enabled off",
		"break main", "run", `echo bench-start\n`, fmt.Sprintf("break %s:%d if i == -1", loopSrc, line), "continue", "",
	}, "\n")), 0o644); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(gdb, "-nx", "-batch", "-x", script, "--args", prog, strconv.Itoa(b.N))
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	b.StopTimer()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer cmd.Wait()
	lines := bufio.NewScanner(out)
	var seen []string
	wait := func(prefix string) {
		for lines.Scan() {
			seen = append(seen, lines.Text())
			if strings.HasPrefix(lines.Text(), prefix) {
				return
			}
		}
		b.Fatalf("gdb ended before %q:\n%s", prefix, strings.Join(seen, "\n"))
	}
	wait("bench-start")
	b.ResetTimer()
	b.StartTimer()
	wait("[Inferior 1 (process ")
	b.StopTimer()
	if want := fmt.Sprintf("done %d", b.N*(b.N-1)/2); !slices.Contains(seen, want) {
		b.Fatalf("gdb's run did not print %q:\n%s", want, strings.Join(seen, "\n"))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
}
