//go:build linux

package linux

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/dapproc/dapproc/tracer"
	"golang.org/x/sys/unix"
)

// The test binary doubles as a helper process for what needs a tracer
// that dies or lacks privileges.
const helperEnv = "DAPPROC_TRACER_HELPER"

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "launch":
		// Launch the program, let it run until it prints its first line,
		// say its pid, and wait to be killed. (Killed while the program
		// still sat in its exec stop, the program would die of the
		// SIGTRAP of that stop, EXITKILL or not.)
		p, err := Launch(tracer.LaunchConfig{Program: os.Getenv("HELPER_PROGRAM")})
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		go p.Continue()
		if _, err := bufio.NewReader(p.Stdout()).ReadString('\n'); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println(p.Pid())
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	case "attach":
		pid, _ := strconv.Atoi(os.Getenv("HELPER_PID"))
		_, err := Attach(pid)
		fmt.Println("error:", err)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestLaunchedProcessDiesWithTracer: PTRACE_O_EXITKILL. A helper tracer
// launches a spinning fixture and is killed; the fixture's exit is awaited
// through a pidfd (the fixture is not our child).
func TestLaunchedProcessDiesWithTracer(t *testing.T) {
	b := buildC(t, "tracer_busy.c", "-pthread")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"=launch", "HELPER_PROGRAM="+b.path)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatalf("helper said %q", line)
	}
	pidfd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		t.Fatalf("pidfd_open(%d): %v", pid, err)
	}
	defer unix.Close(pidfd)
	cmd.Process.Kill()
	cmd.Wait()
	fds := []unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}}
	n, err := unix.Poll(fds, 20_000)
	if err != nil || n != 1 {
		syscall.Kill(pid, syscall.SIGKILL)
		t.Fatalf("launched process %d still alive 20s after its tracer died (poll: %d, %v)", pid, n, err)
	}
}

// TestAttachPermissionDenied: an unprivileged tracer (user nobody) may not
// attach to a root process; the error explains Yama and CAP_SYS_PTRACE.
func TestAttachPermissionDenied(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to run a helper as another user")
	}
	b := buildC(t, "tracer_busy.c", "-pthread")
	target := exec.Command(b.path)
	target.Stdout = io.Discard
	if err := target.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { target.Process.Kill(); target.Wait() }()

	dir, err := os.MkdirTemp("", "dapproc-helper-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755) // the helper runs as nobody
	helper := filepath.Join(dir, "helper")
	data, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(helper, data, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(helper, "-test.run=^$")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), helperEnv+"=attach", "HELPER_PID="+strconv.Itoa(target.Process.Pid))
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	for _, want := range []string{"permission denied", "ptrace_scope", "CAP_SYS_PTRACE"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("attach error %q does not mention %q", strings.TrimSpace(string(out)), want)
		}
	}
}
