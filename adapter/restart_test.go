package adapter

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-dap"
	"golang.org/x/sys/unix"

	"github.com/dapproc/dapproc/internal/fixture"
)

// relaunched reads what follows a restart's response up to the next stop:
// the old threads exit, the new process arrives (its pid is returned),
// breakpoints are bound again, in that order, then the stop with reason.
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
			if pid == 0 {
				t.Errorf("breakpoint event before the new process event")
			}
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

// openPty returns a new pseudo-terminal's controller and the path of its
// other side.
func openPty(t *testing.T) (*os.File, string) {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open /dev/ptmx: %v", err)
	}
	t.Cleanup(func() { ptmx.Close() })
	if err := unix.IoctlSetPointerInt(int(ptmx.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlock pty: %v", err)
	}
	n, err := unix.IoctlGetInt(int(ptmx.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("pty number: %v", err)
	}
	return ptmx, fmt.Sprintf("/dev/pts/%d", n)
}

// runInTerminal does what an editor does with the runInTerminal reverse
// request: it runs the command in a new terminal (here a pty, made the
// controlling terminal of a new session) and answers. It returns the
// terminal's output, complete once the program has exited.
//
// The command runs through `setsid -f`, so that it is not a child of this
// test process: the tracer attaches to it from this same process, and a
// parent's wait for its child would take the tracer's ptrace stops.
func runInTerminal(t *testing.T, c *client, req *dap.RunInTerminalRequest) (output func() string) {
	t.Helper()
	ptmx, tty := openPty(t)
	slave, err := os.OpenFile(tty, os.O_RDWR, 0)
	if err != nil {
		t.Fatalf("open %s: %v", tty, err)
	}
	cmd := exec.Command("setsid", append([]string{"-f", "-c"}, req.Arguments.Args...)...)
	cmd.Dir = req.Arguments.Cwd
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	err = cmd.Run()
	slave.Close()
	if err != nil {
		t.Fatalf("run %v: %v", req.Arguments.Args, err)
	}
	var out bytes.Buffer
	read := make(chan struct{})
	go func() {
		defer close(read)
		io.Copy(&out, ptmx) // ends with EIO once the program, the last user of the terminal, is gone
	}()
	c.seq++
	resp := &dap.RunInTerminalResponse{
		Response: dap.Response{ProtocolMessage: dap.ProtocolMessage{Seq: c.seq, Type: "response"},
			RequestSeq: req.Seq, Success: true, Command: "runInTerminal"},
		Body: dap.RunInTerminalResponseBody{ShellProcessId: cmd.Process.Pid},
	}
	c.conn.SetWriteDeadline(time.Now().Add(readTimeout))
	if err := dap.WriteProtocolMessage(c.conn, resp); err != nil {
		t.Fatalf("answer runInTerminal: %v", err)
	}
	return func() string {
		select {
		case <-read:
		case <-time.After(readTimeout):
			t.Fatalf("the terminal's output did not end")
		}
		return out.String()
	}
}

// TestLaunchInTerminal: with console integratedTerminal and a client that
// runs commands in terminals, the launch answers only once the program is
// started through runInTerminal and attached; configurationDone sent
// before that is honoured; the breakpoint binds when the stub execs the
// program, which runs on a real tty (isatty, and its exit code 0).
func TestLaunchInTerminal(t *testing.T) {
	prog := fixture.C(t, "step_tty.c")
	c := startReal(t)
	seq := c.send("initialize", &dap.InitializeRequest{Arguments: dap.InitializeRequestArguments{
		AdapterID: "test", SupportsRunInTerminalRequest: true}})
	if caps := expectResponse[*dap.InitializeResponse](c, seq).Body; !caps.SupportsRestartRequest {
		t.Errorf("restart not advertised: %+v", caps)
	}
	expect[*dap.InitializedEvent](c)
	args, _ := json.Marshal(map[string]any{"program": prog, "console": "integratedTerminal", "args": []string{"x y"}})
	launchSeq := c.send("launch", &dap.LaunchRequest{Arguments: args})
	rit := expect[*dap.RunInTerminalRequest](c)
	if a := rit.Arguments; a.Kind != "integrated" || !slices.Contains(a.Args, prog) || a.Args[len(a.Args)-1] != "x y" {
		t.Fatalf("runInTerminal arguments %+v, want an integrated terminal running %s with its argument", a, prog)
	}
	line := fixture.Line(t, "step_tty.c", "tty_print")
	bps := requestBreakpoints(t, c, fixture.Source(t, "step_tty.c"), line)
	if bps[0].Verified {
		t.Fatalf("breakpoint verified before the program exists: %+v", bps[0])
	}
	seq = c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	expectResponse[*dap.ConfigurationDoneResponse](c, seq)

	output := runInTerminal(t, c, rit)
	expectResponse[*dap.LaunchResponse](c, launchSeq)
	pe := expect[*dap.ProcessEvent](c)
	pid := pe.Body.SystemProcessId
	if pe.Body.StartMethod != "launch" {
		t.Errorf("process event %+v, want start method launch", pe.Body)
	}
	if ev := want[*dap.ThreadEvent](c); ev.Body.ThreadId != pid {
		t.Errorf("thread event %+v, want thread %d", ev.Body, pid)
	}
	if ev := want[*dap.BreakpointEvent](c); !ev.Body.Breakpoint.Verified || ev.Body.Breakpoint.Line != line {
		t.Errorf("breakpoint event %+v, want it verified at line %d once the program is exec'd", ev.Body, line)
	}
	wantStopped(t, c, "breakpoint", pid)
	wantTop(t, c, pid, "main", line)
	continueThread(t, c, pid)
	wantExit(t, c, 0)
	if out := output(); !strings.Contains(out, "isatty 1") {
		t.Errorf("terminal output %q, want isatty 1", out)
	}
}

// TestTerminalFallback: a client without runInTerminal gets the program
// in the debug console, with a console line that says so.
func TestTerminalFallback(t *testing.T) {
	c := startReal(t)
	pid := launchReal(t, c, map[string]any{"program": fixture.C(t, "step_tty.c"), "console": "externalTerminal"})
	seq := c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
	wantExit(t, c, 3)
	if !strings.Contains(c.out.console.String(), "cannot run the program in a terminal") {
		t.Errorf("console %q does not say why there is no terminal", c.out.console.String())
	}
	if out := c.out.stdout.String(); out != "isatty 0\n" {
		t.Errorf("stdout %q (pid %d)", out, pid)
	}
}

// TestRestartWhileRunning: restart of a program that is running halts and
// kills it, and the new process runs at once (configurationDone was
// sent): a pause stops it, not the old one.
func TestRestartWhileRunning(t *testing.T) {
	c := startReal(t)
	pid := runSpin(t, c)
	seq := c.send("restart", &dap.RestartRequest{})
	wantResponse[*dap.RestartResponse](c, seq)
	if ev := want[*dap.ThreadEvent](c); ev.Body.Reason != "exited" || ev.Body.ThreadId != pid {
		t.Errorf("thread event %+v, want the old thread %d exited", ev.Body, pid)
	}
	pid2 := want[*dap.ProcessEvent](c).Body.SystemProcessId
	if ev := want[*dap.ThreadEvent](c); ev.Body.Reason != "started" || ev.Body.ThreadId != pid2 || pid2 == pid {
		t.Fatalf("thread event %+v, want the new process %d (old %d) started", ev.Body, pid2, pid)
	}
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("the old process %d is still alive", pid)
	}
	seq = c.send("pause", &dap.PauseRequest{Arguments: dap.PauseArguments{ThreadId: pid2}})
	wantResponse[*dap.PauseResponse](c, seq)
	wantStopped(t, c, "pause", pid2)
}

// TestLaunchInTerminalRefused: a client that fails runInTerminal gets its
// launch answered with an error that gives the client's reason, and may
// launch again in the debug console.
func TestLaunchInTerminalRefused(t *testing.T) {
	prog := fixture.C(t, "step_tty.c")
	c := startReal(t)
	seq := c.send("initialize", &dap.InitializeRequest{Arguments: dap.InitializeRequestArguments{
		AdapterID: "test", SupportsRunInTerminalRequest: true}})
	expectResponse[*dap.InitializeResponse](c, seq)
	expect[*dap.InitializedEvent](c)
	args, _ := json.Marshal(map[string]any{"program": prog, "console": "externalTerminal"})
	launchSeq := c.send("launch", &dap.LaunchRequest{Arguments: args})
	rit := expect[*dap.RunInTerminalRequest](c)
	if rit.Arguments.Kind != "external" {
		t.Errorf("runInTerminal kind %q, want external", rit.Arguments.Kind)
	}
	c.seq++
	refusal := &dap.ErrorResponse{Response: dap.Response{ProtocolMessage: dap.ProtocolMessage{Seq: c.seq, Type: "response"},
		RequestSeq: rit.Seq, Success: false, Command: "runInTerminal", Message: "no terminal here"}}
	c.conn.SetWriteDeadline(time.Now().Add(readTimeout))
	if err := dap.WriteProtocolMessage(c.conn, refusal); err != nil {
		t.Fatal(err)
	}
	if e := expectError(c, launchSeq); e.Command != "launch" || !strings.Contains(e.Body.Error.Format, "no terminal here") {
		t.Errorf("launch error %+v, want the client's reason", e)
	}
	args, _ = json.Marshal(map[string]any{"program": prog})
	seq = c.send("launch", &dap.LaunchRequest{Arguments: args})
	expectResponse[*dap.LaunchResponse](c, seq)
	pid := expect[*dap.ProcessEvent](c).Body.SystemProcessId
	want[*dap.ThreadEvent](c)
	seq = c.send("configurationDone", &dap.ConfigurationDoneRequest{})
	wantResponse[*dap.ConfigurationDoneResponse](c, seq)
	wantExit(t, c, 3)
	if out := c.out.stdout.String(); out != "isatty 0\n" {
		t.Errorf("stdout %q of process %d", out, pid)
	}
}
