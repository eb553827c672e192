package session

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/google/go-dap"
	"golang.org/x/sys/unix"

	"github.com/dapproc/dapproc/tracer"
)

// Signals are offered to the client as exception filters, one per group
// of signals (signalGroups). By default only the fatal group stops; every
// other signal goes to the program without the debugger showing it. A
// filter may carry a condition naming signals (filterOptions): "SIGUSR1"
// or "SIGUSR1 SIGPIPE" stops on exactly those signals (they need not be in
// the filter's group), "!SIGPIPE" on the group's signals but SIGPIPE. Names
// may drop the SIG prefix, be lower case, or be numbers ("34"); separators
// are spaces or commas. The result is the union over the enabled filters.
//
// The choice is pushed into the tracer (tracer.SignalFilter) whenever the
// process implements it, so a signal that does not stop costs no stop of
// the process at all; the session checks the same policy at each signal
// stop for tracers that cannot filter.
//
// SIGKILL cannot be caught and SIGSTOP belongs to the tracer: neither is
// in any group.

// signalGroup is one exception filter.
type signalGroup struct {
	id, label, description string
	signals                []syscall.Signal
	on                     bool // by default
}

var signalGroups = func() []signalGroup {
	groups := []signalGroup{
		{id: "fatal", label: "Crashes: SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGSYS, SIGTRAP", on: true,
			description: "Stop when the program faults or aborts, before the signal kills it (SIGTRAP: a breakpoint instruction of the program's own).",
			signals:     []syscall.Signal{unix.SIGSEGV, unix.SIGBUS, unix.SIGFPE, unix.SIGILL, unix.SIGABRT, unix.SIGSYS, unix.SIGTRAP}},
		{id: "interrupt", label: "Interrupts: SIGINT, SIGQUIT, SIGTERM, SIGHUP",
			description: "Stop when the program is asked to end (Ctrl-C, kill, a closed terminal).",
			signals:     []syscall.Signal{unix.SIGINT, unix.SIGQUIT, unix.SIGTERM, unix.SIGHUP}},
		{id: "user", label: "User signals: SIGUSR1, SIGUSR2",
			description: "Stop on the signals programs define for their own use.",
			signals:     []syscall.Signal{unix.SIGUSR1, unix.SIGUSR2}},
		{id: "other", label: "Other signals: SIGPIPE, SIGALRM, SIGCHLD, real-time...",
			description: "Stop on every other signal, including the routine ones (SIGCHLD, SIGALRM, SIGPROF, SIGURG, SIGWINCH) that can make a program stop very often."},
	}
	for sig := syscall.Signal(1); sig <= maxSignal; sig++ {
		taken := !filterable(sig)
		for _, g := range groups[:3] {
			taken = taken || slices.Contains(g.signals, sig)
		}
		if !taken {
			groups[3].signals = append(groups[3].signals, sig)
		}
	}
	return groups
}()

// maxSignal is the highest signal number (SIGRTMAX on Linux).
const maxSignal = 64

// filterable says whether sig can be chosen to stop or not.
func filterable(sig syscall.Signal) bool {
	return sig >= 1 && sig <= maxSignal && sig != unix.SIGKILL && sig != unix.SIGSTOP
}

const filterConditionHelp = `Signal names or numbers, separated by spaces: "SIGUSR1 SIGPIPE" stops on exactly these; "!SIGPIPE" on the group's signals except SIGPIPE.`

// SignalFilters returns the exception filters the adapter advertises in
// `initialize`: one per group of signals.
func SignalFilters() []dap.ExceptionBreakpointsFilter {
	out := make([]dap.ExceptionBreakpointsFilter, 0, len(signalGroups))
	for _, g := range signalGroups {
		out = append(out, dap.ExceptionBreakpointsFilter{Filter: g.id, Label: g.label, Description: g.description,
			Default: g.on, SupportsCondition: true, ConditionDescription: filterConditionHelp})
	}
	return out
}

// signalPolicy is which signals stop the program. The zero value is the
// default: the fatal group.
type signalPolicy struct {
	chosen bool                  // the client sent setExceptionBreakpoints
	stop   [maxSignal + 1]bool   // when chosen
	why    [maxSignal + 1]string // when chosen: the filter that stops each signal
	pushed *[maxSignal + 1]bool  // what the tracer was last told; nil: nothing yet
}

// stops says whether sig stops the program.
func (p *signalPolicy) stops(sig syscall.Signal) bool {
	if !filterable(sig) {
		return true
	}
	if !p.chosen {
		return slices.Contains(signalGroups[0].signals, sig)
	}
	return p.stop[sig]
}

// filterOf names the filter that makes sig stop.
func (p *signalPolicy) filterOf(sig syscall.Signal) string {
	if p.chosen && filterable(sig) {
		return p.why[sig]
	}
	for _, g := range signalGroups {
		if slices.Contains(g.signals, sig) {
			return g.id
		}
	}
	return ""
}

// SetExceptionFilters answers `setExceptionBreakpoints`: the filters named
// (without a condition) and those in options (with one) are enabled, every
// other one is off. It returns one breakpoint per filter and option, in
// that order; a condition that names an unknown signal is ignored, with
// verified:false and the reason. While the program runs it is stopped,
// changed and resumed, with no `stopped` event.
func (s *Session) SetExceptionFilters(filters []string, options []dap.ExceptionFilterOptions) ([]dap.Breakpoint, error) {
	var p signalPolicy
	p.chosen = true
	out := make([]dap.Breakpoint, 0, len(filters)+len(options))
	enable := func(id, cond string) dap.Breakpoint {
		g := groupNamed(id)
		if g == nil {
			return dap.Breakpoint{Verified: false, Message: fmt.Sprintf("no exception filter %q: the filters are fatal, interrupt, user and other", id)}
		}
		sigs, err := filterSignals(g, cond)
		bp := dap.Breakpoint{Verified: err == nil}
		if err != nil {
			bp.Message = err.Error() + "; the condition is ignored and every signal of the group stops"
		}
		for _, sig := range sigs {
			if !p.stop[sig] {
				p.stop[sig], p.why[sig] = true, id
			}
		}
		return bp
	}
	for _, id := range filters {
		out = append(out, enable(id, ""))
	}
	for _, o := range options {
		out = append(out, enable(o.FilterId, o.Condition))
	}
	p.pushed = s.signals.pushed
	resume := s.halt()
	s.signals = p
	err := s.pushSignalPolicy()
	if resume {
		s.continueAfterHalt()
	}
	return out, err
}

func groupNamed(id string) *signalGroup {
	for i := range signalGroups {
		if signalGroups[i].id == id {
			return &signalGroups[i]
		}
	}
	return nil
}

// filterSignals returns the signals that filter g stops on under cond
// (see the comment at the top of this file). On a bad condition it
// returns the whole group and the error.
func filterSignals(g *signalGroup, cond string) ([]syscall.Signal, error) {
	var only, except []syscall.Signal
	for _, word := range strings.FieldsFunc(cond, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' }) {
		neg := strings.HasPrefix(word, "!")
		sig, err := parseSignal(strings.TrimPrefix(word, "!"))
		if err != nil {
			return g.signals, err
		}
		if neg {
			except = append(except, sig)
		} else {
			only = append(only, sig)
		}
	}
	base := g.signals
	if len(only) > 0 {
		base = only
	}
	return slices.DeleteFunc(slices.Clone(base), func(sig syscall.Signal) bool { return slices.Contains(except, sig) }), nil
}

// parseSignal reads a signal name ("SIGUSR1", "usr1") or number ("34").
func parseSignal(word string) (syscall.Signal, error) {
	var sig syscall.Signal
	if n, err := strconv.Atoi(word); err == nil {
		sig = syscall.Signal(n)
	} else {
		name := strings.ToUpper(word)
		if !strings.HasPrefix(name, "SIG") {
			name = "SIG" + name
		}
		sig = unix.SignalNum(name)
		if sig == 0 {
			if n, err := strconv.Atoi(strings.TrimPrefix(name, "SIG")); err == nil {
				sig = syscall.Signal(n) // SIG34, as signalName writes them
			}
		}
	}
	if sig == 0 {
		return 0, fmt.Errorf("unknown signal %q in the condition: write names such as SIGUSR1 or numbers such as 34", word)
	}
	if !filterable(sig) {
		return 0, fmt.Errorf("%s cannot be chosen: SIGKILL cannot be caught and SIGSTOP belongs to the debugger (valid: 1 to 64)", word)
	}
	return sig, nil
}

// pushSignalPolicy tells the tracer which signals stop, if it can filter
// them itself; only the signals whose choice changed since the last time
// are sent. The process must be stopped. Called when the process starts
// and after setExceptionBreakpoints.
func (s *Session) pushSignalPolicy() error {
	if s.proc == nil || s.state == Exited {
		return nil
	}
	f, ok := s.proc.(tracer.SignalFilter)
	if !ok {
		return nil
	}
	var now [maxSignal + 1]bool
	for sig := syscall.Signal(1); sig <= maxSignal; sig++ {
		now[sig] = s.signals.stops(sig)
	}
	for sig := syscall.Signal(1); sig <= maxSignal; sig++ {
		if !filterable(sig) || (s.signals.pushed != nil && s.signals.pushed[sig] == now[sig]) {
			continue
		}
		if err := f.SetSignalStop(sig, now[sig]); err != nil {
			return fmt.Errorf("choosing whether %s stops the program: %w", signalName(sig), err)
		}
	}
	s.signals.pushed = &now
	return nil
}

// signalPolicyText describes which signals stop the program and which are
// passed to it, for the repl's `info signals`.
func (s *Session) signalPolicyText() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-10s %-6s %-5s %s\n", "Signal", "Stop", "Pass", "Filter")
	for sig := syscall.Signal(1); sig <= maxSignal; sig++ {
		stop, pass, filter := "No", "Yes", s.signals.filterOf(sig)
		if s.signals.stops(sig) {
			stop = "Yes"
		} else {
			filter = groupOf(sig)
		}
		switch sig {
		case unix.SIGKILL:
			stop, filter = "-", "(cannot be caught)"
		case unix.SIGSTOP:
			stop, pass, filter = "Yes", "No", "(used by the debugger)"
		}
		fmt.Fprintf(&b, "%-10s %-6s %-5s %s\n", signalName(sig), stop, pass, filter)
	}
	b.WriteString("Stop: the program stops in the debugger; continuing delivers the signal. Pass: the program receives it.\n")
	b.WriteString("Choose with the exception filters (setExceptionBreakpoints): fatal, interrupt, user, other.\n")
	return b.String()
}

// groupOf names sig's group.
func groupOf(sig syscall.Signal) string {
	for _, g := range signalGroups {
		if slices.Contains(g.signals, sig) {
			return g.id
		}
	}
	return ""
}

// signalName is the signal's name, "SIG34" for real-time ones.
func signalName(sig syscall.Signal) string {
	if n := unix.SignalName(sig); n != "" {
		return n
	}
	return "SIG" + strconv.Itoa(int(sig))
}

// signalStop is the signal that the last stop reported, for exceptionInfo.
type signalStop struct {
	tid  int
	info tracer.SignalInfo
}

// ExceptionInfo answers `exceptionInfo` for thread tid: the signal that
// stopped it, what its si_code means, and what continuing will do.
func (s *Session) ExceptionInfo(tid int) (dap.ExceptionInfoResponseBody, error) {
	if err := s.needStopped(); err != nil {
		return dap.ExceptionInfoResponseBody{}, err
	}
	if err := s.checkThread(tid); err != nil {
		return dap.ExceptionInfoResponseBody{}, err
	}
	e := s.exception
	if e == nil || e.tid != tid {
		return dap.ExceptionInfoResponseBody{}, fmt.Errorf("thread %d did not stop for a signal at this stop", tid)
	}
	name := signalName(e.info.Signal)
	desc := signalText(e.info, true)
	return dap.ExceptionInfoResponseBody{
		ExceptionId: name,
		Description: desc,
		BreakMode:   "always",
		Details: &dap.ExceptionDetails{
			Message:      desc + ". " + s.onContinue(e.info.Signal),
			TypeName:     "signal",
			FullTypeName: fmt.Sprintf("%s (signal %d, filter %q)", name, int(e.info.Signal), s.signals.filterOf(e.info.Signal)),
		},
	}, nil
}

// onContinue says what happens to the held signal when the program goes
// on: its handler runs, or its default action, read from the program's
// caught, ignored and blocked masks (/proc/PID/status).
func (s *Session) onContinue(sig syscall.Signal) string {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.pid))
	if err != nil {
		return "Continuing delivers it to the program."
	}
	has := func(field string) bool {
		for _, line := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(line, field+":"); ok {
				mask, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
				return err == nil && mask&(1<<(uint(sig)-1)) != 0
			}
		}
		return false
	}
	switch {
	case has("SigCgt"):
		return "Continuing delivers it to the program's handler."
	case has("SigIgn"):
		return "Continuing delivers it; the program ignores it."
	case defaultKills(sig):
		return "The program has no handler for it: continuing delivers it and ends the program."
	}
	return "The program has no handler for it: continuing delivers it and its default action is harmless."
}

// defaultKills says whether sig's default action ends the process.
func defaultKills(sig syscall.Signal) bool {
	switch sig {
	case unix.SIGCHLD, unix.SIGCONT, unix.SIGURG, unix.SIGWINCH, unix.SIGSTOP, unix.SIGTSTP, unix.SIGTTIN, unix.SIGTTOU:
		return false
	}
	return true
}

// describeSignal says what happened, as in "SIGSEGV at 0x0: address not
// mapped", for the `stopped` event.
func describeSignal(si tracer.SignalInfo) string {
	return signalText(si, false)
}

// signalText is describeSignal, with the si_code's name when withCode is
// set: "SIGSEGV at 0x0: address not mapped (SEGV_MAPERR)".
func signalText(si tracer.SignalInfo, withCode bool) string {
	name := signalName(si.Signal)
	switch si.Signal {
	case unix.SIGSEGV, unix.SIGBUS, unix.SIGILL, unix.SIGFPE:
		if code, why := faultCode(si.Signal, si.Code); why != "" {
			if withCode {
				return fmt.Sprintf("%s at %#x: %s (%s)", name, si.Addr, why, code)
			}
			return fmt.Sprintf("%s at %#x: %s", name, si.Addr, why)
		}
		if si.Code == siKernel {
			return name + ": general protection fault (SI_KERNEL), such as a non-canonical address; the kernel gives no fault address"
		}
		if si.Code > 0 {
			return fmt.Sprintf("%s at %#x", name, si.Addr)
		}
	}
	switch si.Code {
	case 0:
		return fmt.Sprintf("%s sent by process %d (kill)", name, si.SenderPid)
	case -1:
		return fmt.Sprintf("%s sent by process %d (sigqueue)", name, si.SenderPid)
	case -2:
		return name + " from a POSIX timer expiring (SI_TIMER)"
	case -6:
		return fmt.Sprintf("%s sent by process %d (tgkill)", name, si.SenderPid)
	case siKernel:
		return name + " sent by the kernel"
	}
	return name
}

// siKernel is SI_KERNEL: a signal the kernel sent on its own.
const siKernel = 0x80

// faultCode names the si_code values of the fault signals and says what
// they mean (asm-generic/siginfo.h).
func faultCode(sig syscall.Signal, code int32) (name, meaning string) {
	type entry struct{ name, meaning string }
	var table []entry
	switch sig {
	case unix.SIGSEGV:
		table = []entry{{"SEGV_MAPERR", "address not mapped"}, {"SEGV_ACCERR", "invalid permissions for mapped object"},
			{"SEGV_BNDERR", "failed address bound checks"}, {"SEGV_PKUERR", "access denied by memory protection keys"}}
	case unix.SIGBUS:
		table = []entry{{"BUS_ADRALN", "invalid address alignment"}, {"BUS_ADRERR", "nonexistent physical address"},
			{"BUS_OBJERR", "object-specific hardware error"}}
	case unix.SIGFPE:
		table = []entry{{"FPE_INTDIV", "integer divide by zero"}, {"FPE_INTOVF", "integer overflow"},
			{"FPE_FLTDIV", "floating-point divide by zero"}, {"FPE_FLTOVF", "floating-point overflow"},
			{"FPE_FLTUND", "floating-point underflow"}, {"FPE_FLTRES", "floating-point inexact result"},
			{"FPE_FLTINV", "floating-point invalid operation"}, {"FPE_FLTSUB", "subscript out of range"}}
	case unix.SIGILL:
		table = []entry{{"ILL_ILLOPC", "illegal opcode"}, {"ILL_ILLOPN", "illegal operand"},
			{"ILL_ILLADR", "illegal addressing mode"}, {"ILL_ILLTRP", "illegal trap"},
			{"ILL_PRVOPC", "privileged opcode"}, {"ILL_PRVREG", "privileged register"},
			{"ILL_COPROC", "coprocessor error"}, {"ILL_BADSTK", "internal stack error"}}
	}
	if code >= 1 && int(code) <= len(table) {
		return table[code-1].name, table[code-1].meaning
	}
	return "", ""
}
