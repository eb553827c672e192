package adapter

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/internal/fixture"
	linuxtracer "github.com/dapproc/dapproc/tracer/linux"
)

// These tests drive real fixture programs under the real tracer through
// the whole adapter, over an in-memory pipe.

const basicSrc = "session_basic.c"

func startReal(t testing.TB) *client {
	t.Helper()
	return startServe(t, Options{Launcher: linuxtracer.Launcher{}})
}

// launchReal sends initialize and launch for program and reads through the
// process and thread events; it returns the process id.
func launchReal(t testing.TB, c *client, args map[string]any) int {
	t.Helper()
	handshake(t, c)
	raw, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	seq := c.send("launch", &dap.LaunchRequest{Arguments: raw})
	expectResponse[*dap.LaunchResponse](c, seq)
	pe := expect[*dap.ProcessEvent](c)
	if pe.Body.SystemProcessId <= 0 || pe.Body.StartMethod != "launch" {
		t.Fatalf("process event %+v", pe.Body)
	}
	te := expect[*dap.ThreadEvent](c)
	if te.Body.ThreadId != pe.Body.SystemProcessId || te.Body.Reason != "started" {
		t.Errorf("thread event %+v, want the main thread %d started", te.Body, pe.Body.SystemProcessId)
	}
	return pe.Body.SystemProcessId
}

// requestBreakpoints sets line breakpoints in one source and returns them.
func requestBreakpoints(t testing.TB, c *client, path string, lines ...int) []dap.Breakpoint {
	t.Helper()
	bps := make([]dap.SourceBreakpoint, len(lines))
	for i, l := range lines {
		bps[i].Line = l
	}
	seq := c.send("setBreakpoints", &dap.SetBreakpointsRequest{Arguments: dap.SetBreakpointsArguments{
		Source: dap.Source{Path: path}, Breakpoints: bps}})
	resp := wantResponse[*dap.SetBreakpointsResponse](c, seq)
	if len(resp.Body.Breakpoints) != len(lines) {
		t.Fatalf("setBreakpoints answered %d breakpoints for %d lines", len(resp.Body.Breakpoints), len(lines))
	}
	return resp.Body.Breakpoints
}

// wantStopped reads the next stopped event (thread events may come first)
// and checks its reason and thread.
func wantStopped(t testing.TB, c *client, reason string, tid int) *dap.StoppedEvent {
	t.Helper()
	for {
		m := c.nextNonOutput()
		if _, ok := m.(*dap.ThreadEvent); ok {
			continue
		}
		st, ok := m.(*dap.StoppedEvent)
		if !ok {
			t.Fatalf("got %T %+v, want a stopped event (%s)", m, m, reason)
		}
		if st.Body.Reason != reason || !st.Body.AllThreadsStopped || (tid != 0 && st.Body.ThreadId != tid) {
			t.Fatalf("stopped %+v, want reason %s on thread %d, all threads stopped", st.Body, reason, tid)
		}
		return st
	}
}

func requestStack(t testing.TB, c *client, tid, start, levels int) *dap.StackTraceResponse {
	t.Helper()
	seq := c.send("stackTrace", &dap.StackTraceRequest{Arguments: dap.StackTraceArguments{
		ThreadId: tid, StartFrame: start, Levels: levels}})
	return wantResponse[*dap.StackTraceResponse](c, seq)
}

// wantTop checks the innermost frame's function and line.
func wantTop(t testing.TB, c *client, tid int, function string, line int) dap.StackFrame {
	t.Helper()
	st := requestStack(t, c, tid, 0, 1)
	if len(st.Body.StackFrames) != 1 {
		t.Fatalf("stackTrace levels 1 gave %d frames", len(st.Body.StackFrames))
	}
	f := st.Body.StackFrames[0]
	if f.Name != function || f.Line != line {
		t.Fatalf("top frame %s line %d, want %s line %d", f.Name, f.Line, function, line)
	}
	return f
}

func continueThread(t testing.TB, c *client, tid int) {
	t.Helper()
	seq := c.send("continue", &dap.ContinueRequest{Arguments: dap.ContinueArguments{ThreadId: tid}})
	wantResponse[*dap.ContinueResponse](c, seq)
}

// wantExit reads up to `exited` and `terminated` and checks the code.
func wantExit(t testing.TB, c *client, code int) {
	t.Helper()
	for {
		m := c.nextNonOutput()
		if _, ok := m.(*dap.ThreadEvent); ok {
			continue
		}
		ex, ok := m.(*dap.ExitedEvent)
		if !ok {
			t.Fatalf("got %T %+v, want exited", m, m)
		}
		if ex.Body.ExitCode != code {
			t.Errorf("exit code %d, want %d", ex.Body.ExitCode, code)
		}
		break
	}
	want[*dap.TerminatedEvent](c)
}

func TestBreakpointsStackAndExit(t *testing.T) {
	prog := fixture.C(t, basicSrc)
	src := fixture.Source(t, basicSrc)
	c := startReal(t)
	cwd := t.TempDir()
	pid := launchReal(t, c, map[string]any{
		"program": prog, "args": []string{"one", "two"}, "cwd": cwd, "env": []string{"SESSION_WHO=dap"},
	})
	addBody := fixture.Line(t, basicSrc, "add_body")
	afterCall := fixture.Line(t, basicSrc, "after_call")
	bps := requestBreakpoints(t, c, src, addBody, fixture.Line(t, basicSrc, "no_code"))
	if !bps[0].Verified || bps[0].Line != addBody {
		t.Errorf("breakpoint at add_body: %+v", bps[0])
	}
	if !bps[1].Verified || bps[1].Line != afterCall {
		t.Errorf("breakpoint on a line without code: %+v, want it moved to line %d", bps[1], afterCall)
	}
	seq := c.send("setExceptionBreakpoints", &dap.SetExceptionBreakpointsRequest{
		Arguments: dap.SetExceptionBreakpointsArguments{Filters: []string{}}})
	wantResponse[*dap.SetExceptionBreakpointsResponse](c, seq)
	seq = c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)

	st := wantStopped(t, c, "breakpoint", pid)
	if len(st.Body.HitBreakpointIds) != 1 || st.Body.HitBreakpointIds[0] != bps[0].Id {
		t.Errorf("hitBreakpointIds %v, want [%d]", st.Body.HitBreakpointIds, bps[0].Id)
	}
	full := requestStack(t, c, pid, 0, 0)
	frames := full.Body.StackFrames
	if len(frames) < 3 || full.Body.TotalFrames != len(frames) {
		t.Fatalf("stack of %d frames, total %d", len(frames), full.Body.TotalFrames)
	}
	wantFrames := []struct {
		name string
		line int
	}{
		{"add", addBody},
		{"twice", fixture.Line(t, basicSrc, "twice_call")},
		{"main", fixture.Line(t, basicSrc, "loop_call")},
	}
	for i, w := range wantFrames {
		f := frames[i]
		if f.Name != w.name || f.Line != w.line || f.Source == nil || f.Source.Path != src || f.Column < 1 {
			t.Errorf("frame %d: %s %+v line %d col %d, want %s at %s:%d", i, f.Name, f.Source, f.Line, f.Column, w.name, src, w.line)
		}
	}
	for i, f := range frames {
		if !strings.HasPrefix(f.InstructionPointerReference, "0x") {
			t.Errorf("frame %d (%s) has no instructionPointerReference", i, f.Name)
		}
		if f.Source == nil && f.PresentationHint != "subtle" {
			t.Errorf("frame %d (%s) without source is not subtle", i, f.Name)
		}
	}
	page := requestStack(t, c, pid, 1, 1)
	if len(page.Body.StackFrames) != 1 || page.Body.StackFrames[0].Name != "twice" || page.Body.TotalFrames != len(frames) {
		t.Errorf("page startFrame 1 levels 1: %+v total %d", page.Body.StackFrames, page.Body.TotalFrames)
	}

	continueThread(t, c, pid)
	st = wantStopped(t, c, "breakpoint", pid)
	if len(st.Body.HitBreakpointIds) != 1 || st.Body.HitBreakpointIds[0] != bps[1].Id {
		t.Errorf("hitBreakpointIds %v, want [%d]", st.Body.HitBreakpointIds, bps[1].Id)
	}
	wantTop(t, c, pid, "main", afterCall)

	// Frame ids are not reused across stops.
	if again := requestStack(t, c, pid, 0, 1).Body.StackFrames[0]; again.Id <= frames[len(frames)-1].Id {
		t.Errorf("frame id %d at the second stop reuses the first stop's ids (up to %d)", again.Id, frames[len(frames)-1].Id)
	}

	requestBreakpoints(t, c, src)
	continueThread(t, c, pid)
	wantExit(t, c, 2)
	if got, want := c.out.stdout.String(), "hello dap argc=3 cwd="+cwd+"\ntotal 9\n"; got != want {
		t.Errorf("stdout %q", got)
	}
	if got := c.out.stderr.String(); got != "to stderr\n" {
		t.Errorf("stderr %q", got)
	}
	seq = c.send("disconnect", &dap.DisconnectRequest{})
	wantResponse[*dap.DisconnectResponse](c, seq)
	if err := c.closeAndWait(); err != nil {
		t.Fatal(err)
	}
}

// TestInstructionSteps steps by instruction at the call of twice: next
// runs the call as one instruction, stepIn enters it.
func TestInstructionSteps(t *testing.T) {
	prog := fixture.C(t, basicSrc)
	src := fixture.Source(t, basicSrc)
	c := startReal(t)
	pid := launchReal(t, c, map[string]any{"program": prog})
	loopCall := fixture.Line(t, basicSrc, "loop_call")
	requestBreakpoints(t, c, src, loopCall)
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
	wantStopped(t, c, "breakpoint", pid)
	start := wantTop(t, c, pid, "main", loopCall)

	// next, instruction by instruction, never leaves main and reaches the
	// next line.
	afterCall := fixture.Line(t, basicSrc, "after_call")
	pc := start.InstructionPointerReference
	for steps := 0; ; steps++ {
		if steps == 30 {
			t.Fatalf("30 instruction steps over line %d did not reach line %d", loopCall, afterCall)
		}
		seq := c.send("next", &dap.NextRequest{Arguments: dap.NextArguments{ThreadId: pid, Granularity: "instruction"}})
		wantResponse[*dap.NextResponse](c, seq)
		wantStopped(t, c, "step", pid)
		top := requestStack(t, c, pid, 0, 1).Body.StackFrames[0]
		if top.Name != "main" {
			t.Fatalf("next by instruction entered %s", top.Name)
		}
		if top.InstructionPointerReference == pc {
			t.Fatalf("next by instruction did not move from %s", pc)
		}
		pc = top.InstructionPointerReference
		if top.Line == afterCall {
			break
		}
	}

	// Back at the call in the next iteration: stepIn by instruction enters twice.
	continueThread(t, c, pid)
	wantStopped(t, c, "breakpoint", pid)
	for steps := 0; ; steps++ {
		if steps == 30 {
			t.Fatalf("30 instruction steps in from line %d did not enter twice", loopCall)
		}
		seq := c.send("stepIn", &dap.StepInRequest{Arguments: dap.StepInArguments{ThreadId: pid, Granularity: "instruction"}})
		wantResponse[*dap.StepInResponse](c, seq)
		wantStopped(t, c, "step", pid)
		top := requestStack(t, c, pid, 0, 1).Body.StackFrames[0]
		if top.Name == "twice" {
			break
		}
		if top.Name != "main" {
			t.Fatalf("stepping in from main reached %s", top.Name)
		}
	}
	// And stepOut returns to main, on the line of the call.
	seq = c.send("stepOut", &dap.StepOutRequest{Arguments: dap.StepOutArguments{ThreadId: pid}})
	wantResponse[*dap.StepOutResponse](c, seq)
	wantStopped(t, c, "step", pid)
	wantTop(t, c, pid, "main", loopCall)

	seq = c.send("disconnect", &dap.DisconnectRequest{})
	wantExit(t, c, 137)
	wantResponse[*dap.DisconnectResponse](c, seq)
}

func TestLaunchBadProgram(t *testing.T) {
	c := startReal(t)
	handshake(t, c)
	missing := filepath.Join(t.TempDir(), "no-such-program")
	seq := c.send("launch", &dap.LaunchRequest{Arguments: []byte(fmt.Sprintf(`{"program":%q}`, missing))})
	e := expectError(c, seq)
	if !strings.Contains(e.Body.Error.Format, missing) {
		t.Errorf("launch error %q does not name the program", e.Body.Error.Format)
	}
}

// TestSourceSteps walks through the calls of one loop iteration with
// stepIn, next and stepOut at line granularity.
func TestSourceSteps(t *testing.T) {
	prog := fixture.C(t, basicSrc)
	src := fixture.Source(t, basicSrc)
	c := startReal(t)
	pid := launchReal(t, c, map[string]any{"program": prog})
	requestBreakpoints(t, c, src, fixture.Line(t, basicSrc, "loop_call"))
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
	wantStopped(t, c, "breakpoint", pid)
	requestBreakpoints(t, c, src) // so that only the steps stop

	steps := []struct {
		command  string
		function string
		marker   string
	}{
		{"stepIn", "twice", "twice_call"},
		{"stepIn", "add", "add_body"},
		{"next", "add", "add_return"},
		{"next", "add", "add_end"},
		{"next", "twice", "twice_end"}, // back in the caller: the code after the call is the closing line's
		{"stepOut", "main", "loop_call"},
		{"next", "main", "after_call"},
		{"next", "main", "loop_head"}, // the increment and the condition
		{"next", "main", "loop_call"},
	}
	for i, st := range steps {
		var req dap.RequestMessage
		switch st.command {
		case "next":
			req = &dap.NextRequest{Arguments: dap.NextArguments{ThreadId: pid}}
		case "stepIn":
			req = &dap.StepInRequest{Arguments: dap.StepInArguments{ThreadId: pid}}
		case "stepOut":
			req = &dap.StepOutRequest{Arguments: dap.StepOutArguments{ThreadId: pid}}
		}
		seq := c.send(st.command, req)
		m := c.nextNonOutput()
		if r, ok := m.(dap.ResponseMessage); !ok || !r.GetResponse().Success || r.GetResponse().RequestSeq != seq {
			t.Fatalf("step %d (%s): got %T %+v, want its response", i, st.command, m, m)
		}
		wantStopped(t, c, "step", pid)
		top := requestStack(t, c, pid, 0, 1).Body.StackFrames[0]
		if line := fixture.Line(t, basicSrc, st.marker); top.Name != st.function || top.Line != line {
			t.Fatalf("step %d (%s): at %s line %d, want %s line %d (%s)", i, st.command, top.Name, top.Line, st.function, line, st.marker)
		}
	}
	seq = c.send("disconnect", &dap.DisconnectRequest{})
	wantExit(t, c, 137)
	wantResponse[*dap.DisconnectResponse](c, seq)
}

// TestStopOnEntry stops before any code of the program ran, in the
// dynamic linker, and then runs to a breakpoint.
func TestStopOnEntry(t *testing.T) {
	c := startReal(t)
	pid := launchReal(t, c, map[string]any{"program": fixture.C(t, basicSrc), "stopOnEntry": true})
	line := fixture.Line(t, basicSrc, "add_body")
	requestBreakpoints(t, c, fixture.Source(t, basicSrc), line)
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
	wantStopped(t, c, "entry", pid)
	top := requestStack(t, c, pid, 0, 1).Body.StackFrames[0]
	// The dynamic linker's entry: _start if its symbol table is there,
	// otherwise the address in ld-linux.
	inLinker := top.Name == "_start" || strings.HasSuffix(top.Name, " in ld-linux-x86-64.so.2")
	if !inLinker || top.Source != nil || top.PresentationHint != "subtle" {
		t.Errorf("entry frame %+v, want the dynamic linker's entry, without source", top)
	}
	if c.out.stdout.Len() != 0 {
		t.Errorf("output before the program ran: %q", c.out.stdout.String())
	}
	continueThread(t, c, pid)
	wantStopped(t, c, "breakpoint", pid)
	wantTop(t, c, pid, "add", line)
}

// TestContinueSingleThread resumes only the focus thread.
func TestContinueSingleThread(t *testing.T) {
	c := startReal(t)
	pid := launchReal(t, c, map[string]any{"program": fixture.C(t, spinSrc)})
	tick := fixture.Line(t, spinSrc, "tick")
	requestBreakpoints(t, c, fixture.Source(t, spinSrc), tick)
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
	wantStopped(t, c, "breakpoint", pid)
	seq = c.send("continue", &dap.ContinueRequest{Arguments: dap.ContinueArguments{ThreadId: pid, SingleThread: true}})
	if r := wantResponse[*dap.ContinueResponse](c, seq); r.Body.AllThreadsContinued {
		t.Errorf("continue singleThread answered allThreadsContinued")
	}
	wantStopped(t, c, "breakpoint", pid)
	wantTop(t, c, pid, "tick", tick)
	seq = c.send("continue", &dap.ContinueRequest{Arguments: dap.ContinueArguments{ThreadId: 12345, SingleThread: true}})
	expectError(c, seq)
}
