//go:build linux

package linux

import (
	"strconv"
	"syscall"

	"github.com/dapproc/dapproc/tracer"
)

// signalPolicy says, per signal number, whether a signal stops the process
// and is reported (StopSignal) or is passed to the program at once without
// stopping anything. Either way the program receives it.
type signalPolicy [65]bool

// defaultSignalPolicy stops on every signal except the ones programs use
// as routine machinery, like gdb's defaults: SIGCHLD, SIGWINCH, SIGURG (Go's
// goroutine preemption), SIGPROF and SIGALRM (profilers and timers), SIGIO
// and SIGPWR.
func defaultSignalPolicy() signalPolicy {
	var p signalPolicy
	for i := range p {
		p[i] = true
	}
	for _, s := range []syscall.Signal{
		syscall.SIGCHLD, syscall.SIGWINCH, syscall.SIGURG, syscall.SIGPROF,
		syscall.SIGALRM, syscall.SIGVTALRM, syscall.SIGIO, syscall.SIGPWR,
	} {
		p[s] = false
	}
	return p
}

func (p *signalPolicy) stops(sig syscall.Signal) bool {
	if sig <= 0 || int(sig) >= len(p) {
		return true
	}
	return p[sig]
}

// SetSignalStop chooses whether sig stops the process (and is reported as
// StopSignal) or is passed to the program without stopping. Either way the
// program receives the signal. By default every signal stops except
// SIGCHLD, SIGWINCH, SIGURG, SIGPROF, SIGALRM, SIGVTALRM, SIGIO and SIGPWR.
func (p *Process) SetSignalStop(sig syscall.Signal, stop bool) error {
	var err error
	if e := p.do(func() {
		if sig <= 0 || int(sig) >= len(p.policy) {
			err = errBadSignal(sig)
			return
		}
		p.policy[sig] = stop
	}); e != nil {
		return e
	}
	return err
}

type errBadSignal syscall.Signal

func (e errBadSignal) Error() string {
	return "no such signal number " + strconv.Itoa(int(e)) + " (valid: 1 to 64)"
}

var _ tracer.SignalFilter = (*Process)(nil)
