package adapter

import (
	"strings"
	"testing"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/internal/fixture"
)

// TestPendingBreakpointInDlopenedLibrary sets a breakpoint in a library
// that is not loaded yet: it stays unverified, a `breakpoint` event
// verifies it when dlopen maps the library, and it is hit.
func TestPendingBreakpointInDlopenedLibrary(t *testing.T) {
	const libSrc = "session_lib.c"
	lib := fixture.C(t, libSrc, "-shared", "-fPIC")
	prog := fixture.C(t, "session_dlopen.c", "-ldl")
	c := startReal(t)
	pid := launchReal(t, c, map[string]any{"program": prog, "args": []string{lib}})
	body := fixture.Line(t, libSrc, "lib_body")
	bps := requestBreakpoints(t, c, fixture.Source(t, libSrc), body)
	if bps[0].Verified || bps[0].Message == "" {
		t.Fatalf("breakpoint in a library not loaded yet: %+v, want unverified with a reason", bps[0])
	}
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)

	ev := want[*dap.BreakpointEvent](c)
	if ev.Body.Reason != "changed" || ev.Body.Breakpoint.Id != bps[0].Id || !ev.Body.Breakpoint.Verified || ev.Body.Breakpoint.Line != body {
		t.Errorf("breakpoint event %+v, want breakpoint %d verified at line %d", ev.Body, bps[0].Id, body)
	}
	st := wantStopped(t, c, "breakpoint", pid)
	if len(st.Body.HitBreakpointIds) != 1 || st.Body.HitBreakpointIds[0] != bps[0].Id {
		t.Errorf("hitBreakpointIds %v, want [%d]", st.Body.HitBreakpointIds, bps[0].Id)
	}
	frames := requestStack(t, c, pid, 0, 2).Body.StackFrames
	if frames[0].Name != "lib_triple" || frames[0].Line != body || !strings.HasSuffix(frames[0].Source.Path, libSrc) {
		t.Errorf("top frame %+v", frames[0])
	}
	if frames[1].Name != "main" || frames[1].Line != fixture.Line(t, "session_dlopen.c", "call_lib") {
		t.Errorf("caller frame %+v", frames[1])
	}
	continueThread(t, c, pid)
	wantExit(t, c, 0)
	if got := c.out.stdout.String(); got != "triple 42\n" {
		t.Errorf("stdout %q", got)
	}
}

// TestBreakpointAfterExec: a breakpoint in the program that the debuggee
// execs binds when the new image is loaded, and is hit.
func TestBreakpointAfterExec(t *testing.T) {
	target := fixture.C(t, basicSrc)
	c := startReal(t)
	pid := launchReal(t, c, map[string]any{"program": fixture.C(t, "session_exec.c"), "args": []string{target}})
	line := fixture.Line(t, basicSrc, "add_body")
	bps := requestBreakpoints(t, c, fixture.Source(t, basicSrc), line)
	if bps[0].Verified {
		t.Fatalf("breakpoint in a program not loaded yet: %+v", bps[0])
	}
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
	ev := want[*dap.BreakpointEvent](c)
	if ev.Body.Breakpoint.Id != bps[0].Id || !ev.Body.Breakpoint.Verified || ev.Body.Breakpoint.Line != line {
		t.Errorf("breakpoint event %+v", ev.Body)
	}
	wantStopped(t, c, "breakpoint", pid)
	wantTop(t, c, pid, "add", line)
	seq = c.send("disconnect", &dap.DisconnectRequest{})
	wantExit(t, c, 137)
	wantResponse[*dap.DisconnectResponse](c, seq)
	if got := c.out.stdout.String(); !strings.HasPrefix(got, "exec "+target+"\nhello nobody argc=1") {
		t.Errorf("stdout %q", got)
	}
}

// TestNextOverExec: stepping over the line that calls execv ends at the
// new program's entry.
func TestNextOverExec(t *testing.T) {
	const src = "session_exec.c"
	target := fixture.C(t, basicSrc)
	c := startReal(t)
	pid := launchReal(t, c, map[string]any{"program": fixture.C(t, src), "args": []string{target}})
	requestBreakpoints(t, c, fixture.Source(t, src), fixture.Line(t, src, "exec"))
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
	wantStopped(t, c, "breakpoint", pid)
	seq = c.send("next", &dap.NextRequest{Arguments: dap.NextArguments{ThreadId: pid}})
	wantResponse[*dap.NextResponse](c, seq)
	wantStopped(t, c, "entry", pid)
	line := fixture.Line(t, basicSrc, "add_body")
	requestBreakpoints(t, c, fixture.Source(t, basicSrc), line)
	continueThread(t, c, pid)
	wantStopped(t, c, "breakpoint", pid)
	wantTop(t, c, pid, "add", line)
}
