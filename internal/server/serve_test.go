package server

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
)

// greeter is a session that says hello and ends.
func greeter(ctx context.Context, conn net.Conn) { conn.Write([]byte("hello\n")) }

// serve runs Serve on ln in the background and stops it when the test ends.
func serve(t *testing.T, ln net.Listener, handle Handler) *syncBuffer {
	t.Helper()
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- Serve(ctx, ln, slog.New(slog.NewTextHandler(logs, nil)), handle) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return logs
}

// readAs connects to host:port as user uid with bash's /dev/tcp and returns
// what the server sent before closing the connection.
func readAs(t *testing.T, uid int, host, port string) string {
	t.Helper()
	cmd := exec.Command("bash", "-c", `exec 3<>"/dev/tcp/$1/$2" && cat <&3`, "bash", host, port)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(uid)}}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("bash as uid %d: %v", uid, err)
	}
	return string(out)
}

func TestServeRefusesOtherUsersOnLoopback(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to connect as another user")
	}
	const nobody = 65534
	for _, addr := range []string{"127.0.0.1:0", "[::1]:0"} {
		t.Run(addr, func(t *testing.T) {
			ln, _, err := Listen(addr, false)
			if err != nil {
				t.Skipf("Listen: %v", err)
			}
			logs := serve(t, ln, greeter)
			host, port, _ := net.SplitHostPort(ln.Addr().String())
			if got := readAs(t, os.Getuid(), host, port); got != "hello\n" {
				t.Errorf("our own user read %q, want the greeting", got)
			}
			if got := readAs(t, nobody, host, port); got != "" {
				t.Errorf("user nobody read %q, want a refused connection", got)
			}
			if !strings.Contains(logs.String(), "peer uid 65534, ours 0") {
				t.Errorf("log does not say why nobody was refused:\n%s", logs)
			}
		})
	}
}

func TestListenRefusesRemoteAddressesUnlessAllowed(t *testing.T) {
	for _, tc := range []struct {
		spec   string
		remote bool
	}{
		{"127.0.0.1:0", false},
		{"[::1]:0", false},
		{"localhost:0", false},
		{"0.0.0.0:0", true},
		{":0", true},
		{"[::]:0", true},
	} {
		ln, remote, err := Listen(tc.spec, false)
		if tc.remote {
			if err == nil || !strings.Contains(err.Error(), "--allow-remote") {
				ln.Close()
				t.Errorf("Listen(%q) without --allow-remote: err = %v, want a refusal naming --allow-remote", tc.spec, err)
			}
			ln, remote, err = Listen(tc.spec, true)
		}
		if err != nil {
			t.Errorf("Listen(%q): %v", tc.spec, err)
			continue
		}
		ln.Close()
		if remote != tc.remote {
			t.Errorf("Listen(%q) remote = %v, want %v", tc.spec, remote, tc.remote)
		}
	}
	if _, _, err := Listen("127.0.0.1", false); err == nil || !strings.Contains(err.Error(), "host:port") {
		t.Errorf("Listen without a port: err = %v, want one saying host:port", err)
	}
}

func TestListenUnixSocketIsPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dapproc.sock")
	ln, _, err := Listen("unix:"+path, false)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o600 {
		t.Errorf("socket mode = %v, want a socket with permissions 0600", fi.Mode())
	}
	serve(t, ln, greeter)
	conn, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var got bytes.Buffer
	if _, err := got.ReadFrom(conn); err != nil || got.String() != "hello\n" {
		t.Errorf("read %q, %v from the socket; want the greeting", got.String(), err)
	}
	// A second server on the same path must not steal the live socket.
	if _, _, err := Listen("unix:"+path, false); err == nil || !strings.Contains(err.Error(), "another server") {
		t.Errorf("second Listen on a live socket: err = %v, want a refusal", err)
	}
}

func TestListenUnixReplacesStaleSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dapproc.sock")
	old, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	old.(*net.UnixListener).SetUnlinkOnClose(false)
	old.Close() // the file stays behind, as after a crash
	ln, _, err := Listen("unix:"+path, false)
	if err != nil {
		t.Fatalf("Listen over a stale socket: %v", err)
	}
	ln.Close()
	regular := filepath.Join(t.TempDir(), "file")
	os.WriteFile(regular, nil, 0o644)
	if _, _, err := Listen("unix:"+regular, false); err == nil || !strings.Contains(err.Error(), "not a socket") {
		t.Errorf("Listen over a regular file: err = %v, want a refusal", err)
	}
}

func TestServeCancelsSessionsAndWaitsForThem(t *testing.T) {
	ln, _, err := Listen("127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	var ended atomic.Bool
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		done <- Serve(ctx, ln, slog.New(slog.DiscardHandler), func(ctx context.Context, conn net.Conn) {
			close(started)
			<-ctx.Done()
			ended.Store(true)
		})
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	<-started
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve after cancel: %v", err)
	}
	if !ended.Load() {
		t.Error("Serve returned before the session ended")
	}
	if _, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		t.Error("the listener still accepts after Serve returned")
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
