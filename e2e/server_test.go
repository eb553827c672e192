package e2e

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dapproc/dapproc/internal/daptest"
)

// Two clients of one server debug their own programs at the same time: both
// sessions hold a stopped debuggee at once before either continues.
func TestTwoConcurrentTCPSessions(t *testing.T) {
	_, addr := daptest.StartServer(t, dapproc, "--listen", "127.0.0.1:0")
	stopped := make(chan int, 2) // each session's thread, sent while it is stopped
	release := make(chan struct{})
	go func() {
		// Parallel subtests start once the group's body has returned, so
		// the rendezvous happens here.
		<-stopped
		<-stopped
		close(release)
	}()
	t.Run("group", func(t *testing.T) {
		for _, code := range []int{11, 12} {
			t.Run(itoa(code), func(t *testing.T) {
				t.Parallel()
				c, _ := daptest.Dial(t, "tcp", addr)
				debugAdd(t, c, code, func(tid int) {
					stopped <- tid
					select {
					case <-release:
					case <-time.After(daptest.DefaultTimeout):
						t.Fatal("the other session never reached its breakpoint")
					}
					if _, err := os.Stat(fmt.Sprintf("/proc/%d", tid)); err != nil {
						t.Errorf("debuggee %d is gone while its session holds it stopped: %v", tid, err)
					}
				})
			})
		}
	})
	// debugAdd checked each session's thread is its own debuggee's; two
	// sessions sharing one debuggee would have failed on the exit codes.
}

func TestNonLoopbackListenNeedsAllowRemote(t *testing.T) {
	out, err := exec.Command(dapproc, "--listen", "0.0.0.0:0").CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 || !strings.Contains(string(out), "--allow-remote") {
		t.Fatalf("dapproc --listen 0.0.0.0:0: %v, output %q; want a failure naming --allow-remote", err, out)
	}

	a, addr := daptest.StartServer(t, dapproc, "--listen", "0.0.0.0:0", "--allow-remote")
	a.WaitStderr("neither authenticated nor encrypted")
	_, port, _ := net.SplitHostPort(addr)
	c, _ := daptest.Dial(t, "tcp", net.JoinHostPort("127.0.0.1", port))
	initialize(t, c)
	a.Signal(syscall.SIGTERM) // ends the session: terminated, then the stream
	c.ExpectTerminatedEvent()
	c.ExpectEOF()
	if code := a.Wait(); code != 0 {
		t.Errorf("dapproc exited with %d on SIGTERM, want 0", code)
	}
}

func TestVersionAndBadFlags(t *testing.T) {
	out, err := exec.Command(dapproc, "--version").Output()
	if err != nil || !strings.HasPrefix(string(out), "dapproc ") || !strings.Contains(string(out), "go1.") {
		t.Errorf("dapproc --version: %q, %v", out, err)
	}
	for _, args := range [][]string{{"--log", "loud"}, {"--frobnicate"}, {"--allow-remote"}} {
		out, err := exec.Command(dapproc, args...).CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 2 {
			t.Errorf("dapproc %q: %v, output %q; want exit status 2", args, err, out)
		}
	}
}

// On loopback, a connection from another local user is closed unanswered;
// our own user is served.
func TestLoopbackRefusesOtherUsers(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to connect as another user")
	}
	a, addr := daptest.StartServer(t, dapproc, "--listen", "127.0.0.1:0")
	host, port, _ := net.SplitHostPort(addr)
	// bash connects as nobody, sends initialize, and prints what comes back.
	const request = `{"seq":1,"type":"request","command":"initialize","arguments":{"adapterID":"x"}}`
	script := `exec 3<>"/dev/tcp/$1/$2" && printf 'Content-Length: %d\r\n\r\n%s' ${#3} "$3" >&3 && cat <&3`
	cmd := exec.Command("bash", "-c", script, "bash", host, port, request)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.Output()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running bash as nobody: %v", err)
	}
	// bash's write may fail on the closed connection (exit 1): what
	// matters is that nothing came back.
	if len(out) != 0 {
		t.Errorf("user nobody got %q; want the connection closed unanswered", out)
	}
	a.WaitStderr("refusing connection")
	a.WaitStderr("peer uid 65534")

	c, _ := daptest.Dial(t, "tcp", addr)
	initialize(t, c)
}

// A TCP client that vanishes mid-session takes its debuggee with it; the
// server serves the next client as if nothing happened.
func TestServerOutlivesAVanishedClient(t *testing.T) {
	bin, _ := program(t)
	_, addr := daptest.StartServer(t, dapproc, "--listen", "127.0.0.1:0")

	c, conn := daptest.Dial(t, "tcp", addr)
	initialize(t, c)
	pid := launch(t, c, bin, "spin")
	gone := watchExit(t, pid)
	c.ExpectConfigurationDoneResponse(c.ConfigurationDone())
	if out := c.ExpectOutputEvent("stdout").Body.Output; out != "spinning\n" {
		t.Fatalf("stdout %q, want the program to say it is spinning", out)
	}
	conn.Close()
	gone()

	next, _ := daptest.Dial(t, "tcp", addr)
	debugAdd(t, next, 4, nil)
}
