package daptest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dapproc/dapproc/internal/fixture"
	"github.com/dapproc/dapproc/internal/server"
)

// Build compiles cmd/dapproc into dir and returns the binary's path; race
// builds it with the race detector. It is meant for TestMain, so it returns
// an error (with the compiler's output) instead of failing a test.
func Build(dir string, race bool) (string, error) {
	root, err := fixture.Root()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "dapproc")
	args := []string{"build", "-o", bin}
	if race {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, "./cmd/dapproc")...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return bin, nil
}

// Adapter is a dapproc process started by a test. When the test ends it is
// asked to end (stdin closed, or SIGTERM for a server) and must exit in
// time; its stderr (the log) is shown if the test failed.
type Adapter struct {
	t      testing.TB
	cmd    *exec.Cmd
	stderr lockedBuffer
	exited chan struct{} // closed when the process has been waited for
	err    error         // how it exited; valid once exited is closed

	closeStdin func() error // stdio mode only
}

// start runs bin with args; stdin and stdout are set by the caller's setup.
func start(t testing.TB, bin string, args []string, setup func(*exec.Cmd)) *Adapter {
	t.Helper()
	a := &Adapter{t: t, exited: make(chan struct{})}
	a.cmd = exec.Command(bin, args...)
	a.cmd.Stderr = &a.stderr
	setup(a.cmd)
	if err := a.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	go func() {
		a.err = a.cmd.Wait()
		close(a.exited)
	}()
	t.Cleanup(func() {
		// A clean end first, as an editor would do it: the client goes
		// away (stdio) or the server gets SIGTERM. Not exiting then is a
		// bug of its own.
		if a.closeStdin != nil {
			a.closeStdin()
		} else {
			a.cmd.Process.Signal(syscall.SIGTERM)
		}
		timer := time.NewTimer(DefaultTimeout)
		defer timer.Stop()
		select {
		case <-a.exited:
		case <-timer.C:
			a.cmd.Process.Kill()
			<-a.exited
			t.Errorf("dapproc %s did not exit within %v of the end of the test", strings.Join(args, " "), DefaultTimeout)
		}
		if t.Failed() {
			t.Logf("dapproc %s stderr:\n%s", strings.Join(args, " "), a.stderr.String())
		}
	})
	return a
}

// StartStdio starts bin with args serving DAP on its stdin and stdout, and
// returns a client speaking to it. Closing the client's side of stdin (at the
// end of the test, or with CloseStdin) is how a client ends the session.
func StartStdio(t testing.TB, bin string, args ...string) (*Client, *Adapter) {
	t.Helper()
	stdin, stdout := pipe(t), pipe(t)
	a := start(t, bin, args, func(cmd *exec.Cmd) {
		cmd.Stdin, cmd.Stdout = stdin.r, stdout.w
	})
	stdin.r.Close()
	stdout.w.Close()
	a.closeStdin = stdin.w.Close
	return New(t, struct {
		io.Reader
		io.Writer
	}{stdout.r, stdin.w}), a
}

type pipeEnds struct{ r, w *os.File }

// pipe returns an OS pipe closed when the test ends. The adapter gets real
// pipe ends rather than exec's copying goroutines, so that exec.Cmd.Wait
// never closes the end the test is still reading: everything the adapter
// wrote before exiting stays readable.
func pipe(t testing.TB) pipeEnds {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	return pipeEnds{r, w}
}

// StartServer starts bin with args, which must make it listen (--listen),
// and returns the address it announces on stdout.
func StartServer(t testing.TB, bin string, args ...string) (*Adapter, string) {
	t.Helper()
	stdout := pipe(t)
	a := start(t, bin, args, func(cmd *exec.Cmd) { cmd.Stdout = stdout.w })
	stdout.w.Close()
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout.r)
		for sc.Scan() {
			if addr, ok := strings.CutPrefix(sc.Text(), server.Announcement); ok {
				lines <- addr
			}
		}
		close(lines)
	}()
	timer := time.NewTimer(DefaultTimeout)
	defer timer.Stop()
	select {
	case addr, ok := <-lines:
		if !ok {
			<-a.exited
			t.Fatalf("dapproc %s exited (%v) without announcing an address; stderr:\n%s",
				strings.Join(args, " "), a.err, a.stderr.String())
		}
		return a, addr
	case <-timer.C:
		t.Fatalf("dapproc %s announced no address within %v", strings.Join(args, " "), DefaultTimeout)
	}
	return nil, ""
}

// Dial connects to a dapproc server ("tcp" or "unix") and returns a client
// on the connection, closed when the test ends.
func Dial(t testing.TB, network, addr string) (*Client, net.Conn) {
	t.Helper()
	conn, err := net.DialTimeout(network, addr, DefaultTimeout)
	if err != nil {
		t.Fatalf("connecting to dapproc: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return New(t, conn), conn
}

// CloseStdin closes the adapter's standard input (stdio mode only): the
// end of the DAP stream.
func (a *Adapter) CloseStdin() {
	if a.closeStdin != nil {
		a.closeStdin()
	}
}

// Signal sends sig to the adapter process.
func (a *Adapter) Signal(sig os.Signal) {
	a.t.Helper()
	if err := a.cmd.Process.Signal(sig); err != nil {
		a.t.Fatalf("signalling dapproc: %v", err)
	}
}

// Pid returns the adapter's process id.
func (a *Adapter) Pid() int { return a.cmd.Process.Pid }

// Wait waits for the adapter to exit and returns its exit code, failing the
// test if it does not exit within the timeout or was killed by a signal.
func (a *Adapter) Wait() int {
	a.t.Helper()
	timer := time.NewTimer(DefaultTimeout)
	defer timer.Stop()
	select {
	case <-a.exited:
	case <-timer.C:
		a.t.Fatalf("dapproc did not exit within %v", DefaultTimeout)
	}
	if ws, ok := a.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		a.t.Fatalf("dapproc was killed by %v; stderr:\n%s", ws.Signal(), a.stderr.String())
	}
	return a.cmd.ProcessState.ExitCode()
}

// Stderr returns what the adapter wrote to stderr so far (its log).
func (a *Adapter) Stderr() string { return a.stderr.String() }

// WaitStderr waits until the adapter's stderr contains text, failing the
// test if it does not within the timeout. (Stderr is copied by a goroutine,
// so what the adapter wrote before an event the test saw may not be there
// yet.)
func (a *Adapter) WaitStderr(text string) {
	a.t.Helper()
	timer := time.NewTimer(DefaultTimeout)
	defer timer.Stop()
	for {
		s, changed := a.stderr.snapshot()
		if strings.Contains(s, text) {
			return
		}
		select {
		case <-changed:
		case <-a.exited:
			if s, _ := a.stderr.snapshot(); !strings.Contains(s, text) {
				a.t.Fatalf("dapproc exited without writing %q to stderr; stderr:\n%s", text, s)
			}
			return
		case <-timer.C:
			a.t.Fatalf("dapproc did not write %q to stderr within %v; stderr:\n%s", text, DefaultTimeout, s)
		}
	}
}

// lockedBuffer is a bytes.Buffer that exec's copying goroutine writes while
// the test reads it.
type lockedBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // closed and replaced at each write
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.changed != nil {
		close(b.changed)
		b.changed = nil
	}
	return b.buf.Write(p)
}

// snapshot returns the contents and a channel closed at the next write.
func (b *lockedBuffer) snapshot() (string, <-chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.changed == nil {
		b.changed = make(chan struct{})
	}
	return b.buf.String(), b.changed
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
