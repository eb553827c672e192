//go:build linux

package linux

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"

	"github.com/dapproc/dapproc/tracer"
	"golang.org/x/sys/unix"
)

// Launcher starts and attaches to processes with ptrace. It implements
// tracer.Launcher.
type Launcher struct{}

// Launch implements tracer.Launcher.
func (Launcher) Launch(cfg tracer.LaunchConfig) (tracer.Process, error) {
	p, err := Launch(cfg)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Attach implements tracer.Launcher.
func (Launcher) Attach(pid int) (tracer.Process, error) {
	p, err := Attach(pid)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Launch starts cfg.Program stopped at its very first instruction (the
// kernel's stop right after execve, before the dynamic linker runs). The
// process dies with the tracer (PTRACE_O_EXITKILL).
func Launch(cfg tracer.LaunchConfig) (*Process, error) {
	path, err := resolveProgram(cfg.Program)
	if err != nil {
		return nil, err
	}
	if cfg.Dir != "" {
		if st, err := os.Stat(cfg.Dir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("launch %s: working directory %s does not exist or is not a directory", path, cfg.Dir)
		}
	}
	files, err := openStdio(cfg)
	if err != nil {
		return nil, fmt.Errorf("launch %s: %w", path, err)
	}
	defer files.closeChildEnds()
	env := cfg.Env
	if env == nil {
		env = os.Environ()
	}
	p := newProcess(true)
	p.stdout, p.stderr = files.stdoutR, files.stderrR
	err = p.start(func() error {
		attr := &syscall.ProcAttr{
			Dir:   cfg.Dir,
			Env:   env,
			Files: []uintptr{files.stdin.Fd(), files.stdout.Fd(), files.stderr.Fd()},
			// Ptrace: the child calls PTRACE_TRACEME, so this thread (the
			// monitor, locked) becomes its tracer.
			Sys: &syscall.SysProcAttr{Ptrace: true},
		}
		pid, err := syscall.ForkExec(path, append([]string{path}, cfg.Args...), attr)
		if err != nil {
			return fmt.Errorf("launch %s: %w%s", path, err, launchHint(err))
		}
		p.pid = pid
		_, ws, err := wait4(pid)
		if err != nil {
			return fmt.Errorf("launch %s: %w", path, err)
		}
		if !ws.Stopped() || ws.StopSignal() != syscall.SIGTRAP {
			return fmt.Errorf("launch %s: process %d did not stop after execve (wait status %#x)", path, pid, uint32(ws))
		}
		if err := ptrace(unix.PTRACE_SETOPTIONS, pid, 0, traceOptions|exitKill); err != nil {
			syscall.Kill(pid, syscall.SIGKILL)
			wait4(pid)
			return fmt.Errorf("launch %s: %w", path, err)
		}
		p.newThread(pid, stateStopped)
		p.publish()
		p.setExe()
		return nil
	})
	if err != nil {
		files.closeParentEnds()
		return nil, err
	}
	return p, nil
}

// resolveProgram finds the program like exec(3) and checks that it can run.
func resolveProgram(prog string) (string, error) {
	if prog == "" {
		return "", errors.New("launch: no program given")
	}
	path := prog
	if !strings.Contains(prog, "/") {
		p, err := exec.LookPath(prog)
		if err != nil {
			return "", fmt.Errorf("launch: program %q not found in PATH: %w", prog, err)
		}
		path = p
	}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "", fmt.Errorf("launch: program %s does not exist: check the path", path)
	case err != nil:
		return "", fmt.Errorf("launch: %w", err)
	case st.IsDir():
		return "", fmt.Errorf("launch: %s is a directory, not a program", path)
	case st.Mode().Perm()&0o111 == 0:
		return "", fmt.Errorf("launch: %s is not executable: make it so with chmod +x", path)
	}
	return path, nil
}

func launchHint(err error) string {
	switch {
	case errors.Is(err, syscall.ENOEXEC):
		return " (not a program this system can run: was it built for another platform?)"
	case errors.Is(err, syscall.EACCES):
		return " (permission denied: is it executable, on a filesystem mounted without noexec?)"
	}
	return ""
}

// stdio holds the debuggee's standard files and our ends of its pipes.
type stdio struct {
	stdin, stdout, stderr *os.File // the child's ends
	stdoutR, stderrR      *os.File // our ends, nil when inherited
	closeAfter            []*os.File
}

func openStdio(cfg tracer.LaunchConfig) (*stdio, error) {
	s := &stdio{}
	switch in := cfg.Stdin.(type) {
	case nil:
		f, err := os.Open(os.DevNull)
		if err != nil {
			return nil, err
		}
		s.stdin = f
		s.closeAfter = append(s.closeAfter, f)
	case *os.File:
		s.stdin = in
	default:
		r, w, err := os.Pipe()
		if err != nil {
			return nil, err
		}
		s.stdin = r
		s.closeAfter = append(s.closeAfter, r)
		go func() {
			io.Copy(w, in)
			w.Close()
		}()
	}
	if cfg.InheritOutput {
		s.stdout, s.stderr = os.Stdout, os.Stderr
		return s, nil
	}
	var err error
	if s.stdoutR, s.stdout, err = os.Pipe(); err != nil {
		s.closeChildEnds()
		return nil, err
	}
	s.closeAfter = append(s.closeAfter, s.stdout)
	if s.stderrR, s.stderr, err = os.Pipe(); err != nil {
		s.closeChildEnds()
		s.stdoutR.Close()
		return nil, err
	}
	s.closeAfter = append(s.closeAfter, s.stderr)
	return s, nil
}

// closeChildEnds closes our copies of the files the child got, so the pipes
// reach EOF when the child (and its children) close theirs.
func (s *stdio) closeChildEnds() {
	for _, f := range s.closeAfter {
		f.Close()
	}
	s.closeAfter = nil
}

func (s *stdio) closeParentEnds() {
	if s.stdoutR != nil {
		s.stdoutR.Close()
		s.stderrR.Close()
	}
}

var (
	_ tracer.Launcher = Launcher{}
	_ tracer.Process  = (*Process)(nil)
)
