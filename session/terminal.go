package session

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/tracer"
)

// Launching in the client's terminal (`console` "integratedTerminal" or
// "externalTerminal"), so the program gets a real tty:
//
//  1. The launch request is not answered yet. The session sends the
//     runInTerminal reverse request with a stub command: a POSIX shell
//     that writes its pid into one FIFO, waits for a line on a second
//     one, and then execs the program (same pid, so the attach holds).
//  2. A goroutine reads the pid (bounded by terminalTimeout) and posts a
//     job that attaches to the stub, which is blocked in the shell, and
//     writes the release line into the second FIFO while the stub is held
//     by ptrace: it can exec the program only when configurationDone
//     resumes it, after the breakpoints are in.
//  3. The launch response follows the attach, then the process event.
//     The exec of the program reloads the symbols and binds the
//     breakpoints (the StopExec path); with stopOnEntry the exec stop is
//     reported as the entry.
//
// configurationDone may arrive while the launch is pending (VS Code sends
// it once the breakpoints are set): it is acknowledged and applied after
// the attach.

// terminalTimeout bounds the wait for the client to start the stub.
const terminalTimeout = 60 * time.Second

// terminalScript is the stub: $1 is the pid FIFO, $2 the release FIFO,
// the rest the program and its arguments.
const terminalScript = `echo $$ > "$1" && read _ < "$2" && shift 2 && exec "$@"`

// terminalLaunch is a launch waiting for the client's terminal.
type terminalLaunch struct {
	seq        int // the launch request's, answered when the stub is attached
	args       LaunchArgs
	dir        string   // temporary directory of the FIFOs
	pidFIFO    *os.File // read end of the pid FIFO, closed to cancel the wait
	release    *os.File // our end of the release FIFO, kept open until the exec
	configDone bool     // configurationDone came before the attach
}

// LaunchInTerminal starts a launch in the client's terminal (kind
// args.Terminal, "integrated" or "external") for the launch request seq, whose response
// the session sends itself once the program is attached (or the launch
// failed). The adapter must send no response for the request.
func (s *Session) LaunchInTerminal(seq int, args LaunchArgs) error {
	kind := args.Terminal
	if s.state != Initializing || s.launch.terminal != nil {
		return ErrBadState{"launch", s.state}
	}
	if err := checkLaunch(args); err != nil {
		return err
	}
	tl, err := newTerminalLaunch(seq, args)
	if err != nil {
		return err
	}
	s.launch.terminal = tl
	cwd := args.Config.Dir
	if cwd == "" {
		cwd, _ = os.Getwd()
	}
	req := &dap.RunInTerminalRequest{
		Request: dap.Request{Command: "runInTerminal"},
		Arguments: dap.RunInTerminalRequestArguments{
			Kind:  kind,
			Title: "dapproc: " + filepath.Base(args.Config.Program),
			Cwd:   cwd,
			Args: append([]string{"/bin/sh", "-c", terminalScript, "dapproc-terminal",
				tl.pidFIFO.Name(), filepath.Join(tl.dir, "release"), args.Config.Program}, args.Config.Args...),
			Env: terminalEnv(args.Config.Env),
		},
	}
	s.send(req)
	go s.awaitTerminal(tl)
	return nil
}

// newTerminalLaunch makes the two FIFOs and opens our ends. Both are
// opened read-write, which Linux allows for a FIFO: the open does not wait
// for the other side, and a read never sees EOF while we hold it.
func newTerminalLaunch(seq int, args LaunchArgs) (*terminalLaunch, error) {
	dir, err := os.MkdirTemp("", "dapproc-terminal-")
	if err != nil {
		return nil, fmt.Errorf("runInTerminal: temporary directory: %w", err)
	}
	tl := &terminalLaunch{seq: seq, args: args, dir: dir}
	open := func(name string) (*os.File, error) {
		p := filepath.Join(dir, name)
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			return nil, fmt.Errorf("runInTerminal: mkfifo %s: %w", p, err)
		}
		return os.OpenFile(p, os.O_RDWR, 0)
	}
	if tl.pidFIFO, err = open("pid"); err == nil {
		tl.release, err = open("release")
	}
	if err != nil {
		tl.close()
		return nil, err
	}
	return tl, nil
}

// close releases the FIFOs and their directory.
func (tl *terminalLaunch) close() {
	if tl.pidFIFO != nil {
		tl.pidFIFO.Close()
	}
	if tl.release != nil {
		tl.release.Close()
	}
	os.RemoveAll(tl.dir)
}

// terminalEnv turns a complete environment into runInTerminal's map; nil
// keeps the terminal's own.
func terminalEnv(env []string) map[string]any {
	if env == nil {
		return nil
	}
	out := map[string]any{}
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			out[k] = v
		}
	}
	return out
}

// awaitTerminal runs on its own goroutine: it reads the stub's pid and
// hands it to the session goroutine.
func (s *Session) awaitTerminal(tl *terminalLaunch) {
	pid, err := readPid(tl.pidFIFO, terminalTimeout)
	_ = s.Do(func() { s.terminalStarted(tl, pid, err) })
}

// readPid reads one decimal pid line from f within timeout.
func readPid(f *os.File, timeout time.Duration) (int, error) {
	if err := f.SetReadDeadline(time.Now().Add(timeout)); err != nil {
		return 0, fmt.Errorf("runInTerminal: %w", err)
	}
	line, err := bufio.NewReader(f).ReadString('\n')
	if err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return 0, fmt.Errorf("runInTerminal: the client did not start the program in a terminal within %v", timeout)
		}
		return 0, fmt.Errorf("runInTerminal: reading the program's pid: %w", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("runInTerminal: the terminal stub sent %q, not a pid", line)
	}
	return pid, nil
}

// terminalStarted attaches to the stub and answers the launch request.
func (s *Session) terminalStarted(tl *terminalLaunch, pid int, err error) {
	if s.launch.terminal != tl {
		return // cancelled meanwhile; the answer was sent then
	}
	if err == nil {
		err = s.attachStub(tl, pid)
	}
	if err != nil {
		s.failTerminal(err)
		return
	}
	s.send(&dap.LaunchResponse{Response: dap.Response{RequestSeq: tl.seq, Success: true, Command: "launch"}})
	s.flushAfterResponse()
	if tl.configDone {
		if err := s.ConfigurationDone(); err != nil {
			s.log.Warn("configurationDone after the terminal launch", "err", err)
		}
		s.flushAfterResponse()
	}
}

// attachStub takes control of the stub and releases it for when it runs.
func (s *Session) attachStub(tl *terminalLaunch, pid int) error {
	p, err := s.launcher.Attach(pid)
	if err != nil {
		return fmt.Errorf("runInTerminal: attach to the terminal's process %d: %w", pid, err)
	}
	if _, err := tl.release.WriteString("go\n"); err != nil {
		if kerr := p.Kill(); kerr != nil {
			s.log.Warn("kill the terminal stub", "pid", pid, "err", kerr)
		}
		return fmt.Errorf("runInTerminal: release the program: %w", err)
	}
	s.launch.args = tl.args
	s.stopOnEntry = tl.args.StopOnEntry
	s.start(p, false, "launch")
	s.attached = false // we started it: disconnect kills it by default
	return nil
}

// failTerminal answers the pending launch with err and forgets it.
func (s *Session) failTerminal(err error) {
	tl := s.launch.terminal
	s.launch.terminal = nil
	tl.close()
	s.send(&dap.ErrorResponse{
		Response: dap.Response{RequestSeq: tl.seq, Success: false, Command: "launch", Message: err.Error()},
		Body:     dap.ErrorResponseBody{Error: &dap.ErrorMessage{Id: 1001, Format: err.Error(), ShowUser: true}},
	})
}

// flushAfterResponse sends the events queued to follow a response the
// session sent itself.
func (s *Session) flushAfterResponse() {
	for _, ev := range s.AfterResponse() {
		s.send(ev)
	}
}

// TerminalResponse handles the client's answer to runInTerminal: a
// failure ends the pending launch with the client's message.
func (s *Session) TerminalResponse(r *dap.Response) {
	if r.Success || s.launch.terminal == nil {
		return
	}
	s.failTerminal(fmt.Errorf("the client could not run the program in a terminal: %s", r.Message))
}

// terminalConfigured acknowledges configurationDone during a pending
// terminal launch; it is applied after the attach.
func (s *Session) terminalConfigured() bool {
	if s.launch.terminal == nil || s.state != Initializing {
		return false
	}
	s.launch.terminal.configDone = true
	return true
}

// cancelTerminal drops a pending terminal launch when the session ends,
// answering the launch request if it is still waiting.
func (s *Session) cancelTerminal() {
	if s.launch.terminal == nil {
		return
	}
	if s.proc == nil {
		s.failTerminal(errors.New("the session ended before the program started in the terminal"))
		return
	}
	s.endTerminal()
}

// endTerminal closes the FIFOs once the stub has exec'd the program: it
// has read its release line by then. Before, closing our end would drop
// that line.
func (s *Session) endTerminal() {
	if tl := s.launch.terminal; tl != nil {
		s.launch.terminal = nil
		tl.close()
	}
}

// runToExecOp runs the stub until it execs the program; the exec stop is
// reported as the program's entry (stopOnEntry in a terminal).
type runToExecOp struct{}

func (runToExecOp) call() tracerCall {
	return func(p tracer.Process) (tracer.StopEvent, error) { return p.Continue() }
}
func (runToExecOp) stopped(*Session, *tracer.StopEvent) (bool, string) { return true, "" }
func (runToExecOp) end(*Session)                                       {}
