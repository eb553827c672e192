//go:build linux

package linux

import (
	"strconv"
	"sync/atomic"
	"syscall"

	"github.com/dapproc/dapproc/tracer"
)

// signalPolicy says, per signal number, whether a signal stops the process
// and is reported (StopSignal) or is passed to the program at once without
// stopping anything. Either way the program receives it. The monitor reads
// it at each signal stop; SetSignalStop writes it from any goroutine, with
// no hand-off to the monitor (a session sets some sixty signals at start).
type signalPolicy [65]atomic.Bool

// setDefaults stops on every signal except the ones programs use as
// routine machinery, like gdb's defaults: SIGCHLD, SIGWINCH, SIGURG (Go's
// goroutine preemption), SIGPROF and SIGALRM (profilers and timers), SIGIO
// and SIGPWR.
func (p *signalPolicy) setDefaults() {
	for i := range p {
		p[i].Store(true)
	}
	for _, s := range []syscall.Signal{
		syscall.SIGCHLD, syscall.SIGWINCH, syscall.SIGURG, syscall.SIGPROF,
		syscall.SIGALRM, syscall.SIGVTALRM, syscall.SIGIO, syscall.SIGPWR,
	} {
		p[s].Store(false)
	}
}

func (p *signalPolicy) stops(sig syscall.Signal) bool {
	if sig <= 0 || int(sig) >= len(p) {
		return true
	}
	return p[sig].Load()
}

// SetSignalStop chooses whether sig stops the process (and is reported as
// StopSignal) or is passed to the program without stopping. Either way the
// program receives the signal. By default every signal stops except
// SIGCHLD, SIGWINCH, SIGURG, SIGPROF, SIGALRM, SIGVTALRM, SIGIO and SIGPWR.
// Any goroutine may call it, also while the process runs.
func (p *Process) SetSignalStop(sig syscall.Signal, stop bool) error {
	if err := p.goneErr(); err != nil {
		return err
	}
	if sig <= 0 || int(sig) >= len(p.policy) {
		return errBadSignal(sig)
	}
	p.policy[sig].Store(stop)
	return nil
}

type errBadSignal syscall.Signal

func (e errBadSignal) Error() string {
	return "no such signal number " + strconv.Itoa(int(e)) + " (valid: 1 to 64)"
}

var _ tracer.SignalFilter = (*Process)(nil)
