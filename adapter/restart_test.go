package adapter

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/internal/fixture"
)

// relaunched reads what follows a restart's response up to the next stop:
// the old threads exit, the new process arrives (its pid is returned),
// breakpoints are bound again, then the stop with reason.
func relaunched(t *testing.T, c *client, oldPid int, reason string) (pid int, rebound []dap.Breakpoint) {
	t.Helper()
	for {
		switch m := c.nextNonOutput().(type) {
		case *dap.ThreadEvent:
			if m.Body.Reason == "exited" && m.Body.ThreadId != oldPid {
				t.Errorf("thread %d of the old process exited, want %d", m.Body.ThreadId, oldPid)
			}
		case *dap.ProcessEvent:
			pid = m.Body.SystemProcessId
		case *dap.BreakpointEvent:
			rebound = append(rebound, m.Body.Breakpoint)
		case *dap.StoppedEvent:
			if m.Body.Reason != reason || pid == 0 || m.Body.ThreadId != pid {
				t.Fatalf("stopped %+v (new pid %d), want reason %s in the new process", m.Body, pid, reason)
			}
			return pid, rebound
		default:
			t.Fatalf("after restart: got %T %+v", m, m)
		}
	}
}

// TestRestart: restart at a breakpoint starts a new process that stops at
// the same breakpoint; a second restart with new arguments runs the
// program with them (its output proves it), and the old processes never
// report `exited` or `terminated`.
func TestRestart(t *testing.T) {
	prog := fixture.C(t, stepSrc)
	c := startReal(t)
	pid := launchReal(t, c, map[string]any{"program": prog})
	body := fixture.Line(t, stepSrc, "square_body")
	bps := requestBreakpoints(t, c, fixture.Source(t, stepSrc), body)
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
	wantStopped(t, c, "breakpoint", pid)

	seq = c.send("restart", &dap.RestartRequest{})
	wantResponse[*dap.RestartResponse](c, seq)
	pid2, rebound := relaunched(t, c, pid, "breakpoint")
	if pid2 == pid {
		t.Fatalf("restart kept process %d", pid)
	}
	if len(rebound) != 1 || rebound[0].Id != bps[0].Id || !rebound[0].Verified || rebound[0].Line != body {
		t.Errorf("breakpoint events %+v, want breakpoint %d bound again at line %d", rebound, bps[0].Id, body)
	}
	wantTop(t, c, pid2, "square", body)

	args, _ := json.Marshal(map[string]any{"arguments": map[string]any{"program": prog, "args": []string{"a", "b"}}})
	seq = c.send("restart", &dap.RestartRequest{Arguments: args})
	wantResponse[*dap.RestartResponse](c, seq)
	pid3, _ := relaunched(t, c, pid2, "breakpoint")
	wantTop(t, c, pid3, "square", body)
	requestBreakpoints(t, c, fixture.Source(t, stepSrc))
	continueThread(t, c, pid3)
	wantExit(t, c, 0)
	// argc is 3: square(argc + 2) is 25.
	if out := c.out.stdout.String(); !strings.Contains(out, "d 5 v 25 ") || strings.Count(out, "counter") != 1 {
		t.Errorf("stdout %q, want one run, with square(5) = 25", out)
	}

	seq = c.send("cancel", &dap.CancelRequest{Arguments: &dap.CancelArguments{RequestId: seq}})
	wantResponse[*dap.CancelResponse](c, seq)
}
