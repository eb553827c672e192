package e2e

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/dapproc/dapproc/internal/daptest"
)

// echoer is demo.c in echo mode, started by the test: it answers each line
// written to it, so an answer proves it runs.
type echoer struct {
	cmd     *exec.Cmd
	in      io.WriteCloser
	answers *bufio.Scanner
	sent    int
}

func startEchoer(t *testing.T, bin string) *echoer {
	t.Helper()
	cmd := exec.Command(bin, "echo")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return &echoer{cmd: cmd, in: in, answers: bufio.NewScanner(out)}
}

// ping writes a line and checks the answer. A stopped program blocks it: the
// test's deadline then ends the run.
func (e *echoer) ping(t *testing.T, word string) {
	t.Helper()
	if _, err := fmt.Fprintln(e.in, word); err != nil {
		t.Fatalf("writing to the program: %v", err)
	}
	if !e.answers.Scan() {
		t.Fatalf("the program did not answer %q: %v", word, e.answers.Err())
	}
	if got, want := e.answers.Text(), fmt.Sprintf("echo %d: %s", e.sent, word); got != want {
		t.Fatalf("the program answered %q, want %q", got, want)
	}
	e.sent++
}

// tracerPid reads who traces pid (0: nobody).
func tracerPid(t *testing.T, pid int) string {
	t.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "TracerPid:"); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("no TracerPid in /proc/%d/status", pid)
	return ""
}

// Attach to a program we started, pause it, and detach: it runs on,
// untraced, answering where it left off.
func TestAttachPauseDetachLeavesItRunning(t *testing.T) {
	bin, _ := program(t)
	e := startEchoer(t, bin)
	e.ping(t, "before")
	pid := e.cmd.Process.Pid

	c, a := daptest.StartStdio(t, dapproc)
	initialize(t, c)
	c.ExpectAttachResponse(c.Attach(pid))
	p := c.ExpectProcessEvent().Body
	if p.SystemProcessId != pid || p.StartMethod != "attach" {
		t.Fatalf("process event %+v, want pid %d attached", p, pid)
	}
	if tid := c.ExpectThreadEvent("started").Body.ThreadId; tid != pid {
		t.Fatalf("thread started %d, want %d", tid, pid)
	}
	// The tracer is a thread of dapproc (the one that attached).
	if tracer := tracerPid(t, pid); tracer == "0" || !exists(fmt.Sprintf("/proc/%d/task/%s", a.Pid(), tracer)) {
		t.Errorf("TracerPid of the attached program = %s, want a thread of dapproc (pid %d)", tracer, a.Pid())
	}
	c.ExpectConfigurationDoneResponse(c.ConfigurationDone())
	e.ping(t, "traced") // it runs under the debugger
	c.ExpectPauseResponse(c.Pause(pid))
	if e := c.ExpectStoppedEvent("pause").Body; e.ThreadId != pid {
		t.Errorf("pause stopped %+v, want thread %d", e, pid)
	}
	// Attached: terminateDebuggee defaults to false, so it is detached.
	seq := c.Disconnect(nil)
	c.ExpectTerminatedEvent()
	c.ExpectDisconnectResponse(seq)
	c.ExpectEOF()

	e.ping(t, "after")
	if got := tracerPid(t, pid); got != "0" {
		t.Errorf("TracerPid after detach = %s, want 0", got)
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
