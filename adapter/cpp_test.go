package adapter

import (
	"testing"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/internal/fixture"
)

// TestCppFrameNames: C++ frames carry demangled, qualified names.
func TestCppFrameNames(t *testing.T) {
	const src = "session_cpp.cpp"
	c := startReal(t)
	pid := launchReal(t, c, map[string]any{"program": fixture.C(t, src)})
	line := fixture.Line(t, src, "cpp_area")
	requestBreakpoints(t, c, fixture.Source(t, src), line)
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
	wantStopped(t, c, "breakpoint", pid)
	frames := requestStack(t, c, pid, 0, 3).Body.StackFrames
	want := []struct {
		name string
		line int
	}{
		{"shapes::Square::area() const", line},
		{"int total<shapes::Square>(shapes::Square const*, int)", fixture.Line(t, src, "cpp_total")},
		{"main", 0},
	}
	for i, w := range want {
		if frames[i].Name != w.name || (w.line != 0 && frames[i].Line != w.line) {
			t.Errorf("frame %d: %s line %d, want %s line %d", i, frames[i].Name, frames[i].Line, w.name, w.line)
		}
	}
	continueThread(t, c, pid)
	wantStopped(t, c, "breakpoint", pid)
	requestBreakpoints(t, c, fixture.Source(t, src))
	continueThread(t, c, pid)
	wantExit(t, c, 0)
	if got := c.out.stdout.String(); got != "25\n" {
		t.Errorf("stdout %q", got)
	}
}
