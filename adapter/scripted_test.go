package adapter

import (
	"errors"
	"io"
	"sync"

	"github.com/dapproc/dapproc/tracer"
)

// scriptedLauncher launches a scriptedProcess. It exists to check the
// orderings of the protocol (what follows what); that features work is
// proven against real processes under tracer/linux.
type scriptedLauncher struct {
	proc *scriptedProcess
}

func (l *scriptedLauncher) Launch(cfg tracer.LaunchConfig) (tracer.Process, error) {
	if cfg.Program == "/does/not/exist" {
		return nil, errors.New("exec /does/not/exist: no such file or directory")
	}
	return l.proc, nil
}

func (l *scriptedLauncher) Attach(pid int) (tracer.Process, error) {
	return nil, errors.New("ptrace(PTRACE_SEIZE) pid 1: operation not permitted")
}

// scriptedProcess answers each resume with the next scripted stop; a
// resume with nothing scripted blocks until Interrupt.
type scriptedProcess struct {
	mu        sync.Mutex
	stops     chan tracer.StopEvent
	interrupt chan struct{}
	killed    bool
	stdout    io.Reader
	panicking bool // ThreadName panics, as a bug in a handler would
}

func newScriptedProcess(stops ...tracer.StopEvent) *scriptedProcess {
	p := &scriptedProcess{stops: make(chan tracer.StopEvent, len(stops)), interrupt: make(chan struct{}, 1)}
	for _, ev := range stops {
		p.stops <- ev
	}
	return p
}

func (p *scriptedProcess) resume() (tracer.StopEvent, error) {
	select {
	case ev := <-p.stops:
		return ev, nil
	case <-p.interrupt:
		return tracer.StopEvent{Reason: tracer.StopInterrupt, Tid: 100}, nil
	}
}

func (p *scriptedProcess) Pid() int       { return 100 }
func (p *scriptedProcess) Threads() []int { return []int{100} }
func (p *scriptedProcess) ThreadName(tid int) string {
	if p.panicking {
		panic("scripted bug")
	}
	return "scripted"
}
func (p *scriptedProcess) Executable() string                           { return "/bin/scripted" }
func (p *scriptedProcess) Mappings() ([]tracer.Mapping, error)          { return nil, nil }
func (p *scriptedProcess) Continue() (tracer.StopEvent, error)          { return p.resume() }
func (p *scriptedProcess) ContinueThread(int) (tracer.StopEvent, error) { return p.resume() }
func (p *scriptedProcess) StepInstruction(int) (tracer.StopEvent, error) {
	return p.resume()
}
func (p *scriptedProcess) Interrupt() error {
	select {
	case p.interrupt <- struct{}{}:
	default:
	}
	return nil
}
func (p *scriptedProcess) DiscardSignal(int) error { return nil }
func (p *scriptedProcess) Regs(int) (tracer.Regs, error) {
	return tracer.Regs{Rip: 0x401000, Rsp: 0x7ffc0000}, nil
}
func (p *scriptedProcess) SetRegs(int, tracer.Regs) error { return nil }
func (p *scriptedProcess) XState(int) ([]byte, error)     { return nil, nil }
func (p *scriptedProcess) ReadMemory(addr uint64, buf []byte) (int, error) {
	clear(buf) // reads as "add %al,(%rax)": not a call
	return len(buf), nil
}
func (p *scriptedProcess) WriteMemory(uint64, []byte) error { return nil }
func (p *scriptedProcess) SetBreakpoint(uint64) error       { return nil }
func (p *scriptedProcess) ClearBreakpoint(uint64) error     { return nil }
func (p *scriptedProcess) Stdout() io.Reader                { return p.stdout }
func (p *scriptedProcess) Stderr() io.Reader                { return nil }
func (p *scriptedProcess) Detach() error                    { return nil }
func (p *scriptedProcess) Kill() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.killed = true
	return nil
}
