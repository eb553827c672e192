package session

import (
	"fmt"
	"path/filepath"
	"slices"

	"github.com/google/go-dap"
)

// bpKind is what a logical breakpoint was set on.
type bpKind int

const (
	lineBP        bpKind = iota // setBreakpoints: a line of a source file
	functionBP                  // setFunctionBreakpoints: a function by name
	instructionBP               // setInstructionBreakpoints: an address
)

// stopReason is the `stopped` reason of a stop at a breakpoint of kind k.
func (k bpKind) stopReason() string {
	switch k {
	case functionBP:
		return "function breakpoint"
	case instructionBP:
		return "instruction breakpoint"
	}
	return "breakpoint"
}

// breakpoint is a logical breakpoint: what the user asked for (a line, a
// function, an address, with its conditions), and the addresses it is
// bound to.
type breakpoint struct {
	id   int
	kind bpKind

	path   string // lineBP: the source file as the client sent it
	line   int    // lineBP: the line as asked
	name   string // functionBP: the function's name as asked
	ref    string // instructionBP: instructionReference as asked
	offset int    // instructionBP: offset in bytes from ref

	addrs   []uint64
	actual  int    // lineBP: the line that has code, once bound
	at      string // functionBP, instructionBP: the source file of addrs[0] (as the client has it), if known
	atLine  int    // and its line
	message string // why it is not verified
	invalid bool   // asked wrongly (bad address, bad hit condition): never bound

	when conditions
}

func (b *breakpoint) verified() bool { return len(b.addrs) > 0 }

func (b *breakpoint) dap() dap.Breakpoint {
	out := dap.Breakpoint{Id: b.id, Verified: b.verified(), Message: b.message}
	switch b.kind {
	case lineBP:
		out.Source = &dap.Source{Name: filepath.Base(b.path), Path: b.path}
		out.Line = b.line
		if b.verified() {
			out.Line = b.actual
		}
	default:
		if b.verified() {
			out.InstructionReference = fmt.Sprintf("%#x", b.addrs[0])
			if b.at != "" {
				out.Source = &dap.Source{Name: filepath.Base(b.at), Path: b.at}
				out.Line = b.atLine
			}
		}
	}
	if b.verified() {
		out.Message = ""
	}
	return out
}

// breakpoints maps logical breakpoints onto physical ones. One address may
// serve several logical breakpoints and the stepping machinery at once; the
// tracer holds one breakpoint per address, set while any user counts on it.
type breakpoints struct {
	nextID       int
	bySource     map[string][]*breakpoint // key: path as the client sent it
	functions    []*breakpoint            // in the order of the last request
	instructions []*breakpoint            // in the order of the last request
	byID         map[int]*breakpoint
	users        map[uint64][]int // address -> logical breakpoint ids
	internal     map[uint64]int   // address -> count of internal users (steps, rendezvous)
}

func newBreakpoints() breakpoints {
	return breakpoints{nextID: 1, bySource: map[string][]*breakpoint{}, byID: map[int]*breakpoint{},
		users: map[uint64][]int{}, internal: map[uint64]int{}}
}

// userAt returns the ids of the logical breakpoints at addr.
func (b *breakpoints) userAt(addr uint64) []int { return b.users[addr] }

func (b *breakpoints) inUse(addr uint64) bool {
	return len(b.users[addr]) > 0 || b.internal[addr] > 0
}

// all calls f for every logical breakpoint.
func (b *breakpoints) all(f func(*breakpoint)) {
	for _, list := range b.bySource {
		for _, bp := range list {
			f(bp)
		}
	}
	for _, bp := range b.functions {
		f(bp)
	}
	for _, bp := range b.instructions {
		f(bp)
	}
}

// newBreakpoint registers a logical breakpoint of kind k with a fresh id.
func (b *breakpoints) newBreakpoint(k bpKind) *breakpoint {
	bp := &breakpoint{id: b.nextID, kind: k}
	b.nextID++
	b.byID[bp.id] = bp
	return bp
}

// acquireInternal sets a breakpoint at addr for the session's own use.
func (b *breakpoints) acquireInternal(s *Session, addr uint64) error {
	if !b.inUse(addr) {
		if err := s.proc.SetBreakpoint(addr); err != nil {
			return fmt.Errorf("breakpoint at %#x: %w", addr, err)
		}
	}
	b.internal[addr]++
	return nil
}

// releaseInternal drops one internal use of addr.
func (b *breakpoints) releaseInternal(s *Session, addr uint64) {
	if b.internal[addr] == 0 {
		return
	}
	b.internal[addr]--
	if b.internal[addr] == 0 {
		delete(b.internal, addr)
	}
	b.clearIfUnused(s, addr)
}

func (b *breakpoints) clearIfUnused(s *Session, addr uint64) {
	if b.inUse(addr) || s.state == Exited {
		return
	}
	if err := s.proc.ClearBreakpoint(addr); err != nil {
		s.log.Warn("clear breakpoint", "addr", fmt.Sprintf("%#x", addr), "err", err)
	}
}

// dropUser removes id from the users of addr. The list is rebuilt, never
// edited in place: a `stopped` event on its way to the client may hold it.
func (b *breakpoints) dropUser(addr uint64, id int) {
	rest := slices.DeleteFunc(slices.Clone(b.users[addr]), func(u int) bool { return u == id })
	if len(rest) == 0 {
		delete(b.users, addr)
	} else {
		b.users[addr] = rest
	}
}

// bind sets the physical breakpoints of bp at addrs.
func (b *breakpoints) bind(s *Session, bp *breakpoint, addrs []uint64) error {
	var set []uint64
	for _, a := range addrs {
		if slices.Contains(set, a) {
			continue
		}
		if !b.inUse(a) {
			if err := s.proc.SetBreakpoint(a); err != nil {
				for _, done := range set {
					b.dropUser(done, bp.id)
					b.clearIfUnused(s, done)
				}
				return fmt.Errorf("breakpoint at %#x: %w", a, err)
			}
		}
		b.users[a] = append(slices.Clone(b.users[a]), bp.id)
		set = append(set, a)
	}
	bp.addrs = set
	bp.message = ""
	return nil
}

// unbind removes bp's physical breakpoints.
func (b *breakpoints) unbind(s *Session, bp *breakpoint) {
	for _, a := range bp.addrs {
		b.dropUser(a, bp.id)
		b.clearIfUnused(s, a)
	}
	bp.addrs = nil
}

// replace swaps the logical breakpoints old of one request for those
// asked, in the order asked: an old breakpoint with the same key (the
// line, the name, the address) is kept with its id and hit count and
// takes the new conditions; a new one is created and bound; the old ones
// not asked again are removed. It returns the new list and the answer.
func (s *Session) replace(old []*breakpoint, n int, key func(*breakpoint) string,
	asked func(i int) (*breakpoint, conditionSpec)) ([]*breakpoint, []dap.Breakpoint) {
	reuse := map[string]*breakpoint{}
	for _, bp := range old {
		reuse[key(bp)] = bp
	}
	now := make([]*breakpoint, 0, n)
	out := make([]dap.Breakpoint, 0, n)
	for i := range n {
		want, spec := asked(i)
		bp := reuse[key(want)]
		if bp != nil {
			delete(reuse, key(want))
		} else {
			bp = s.bps.newBreakpoint(want.kind)
			bp.path, bp.line, bp.name, bp.ref, bp.offset = want.path, want.line, want.name, want.ref, want.offset
		}
		if err := bp.when.set(spec); err != nil {
			s.bps.unbind(s, bp)
			bp.invalid = true
			bp.message = err.Error()
		} else if bp.invalid || !bp.verified() {
			bp.invalid = false
			s.place(bp)
		}
		now = append(now, bp)
		out = append(out, bp.dap())
	}
	for _, bp := range reuse {
		if s.proc != nil && s.state != Exited {
			s.bps.unbind(s, bp)
		}
		delete(s.bps.byID, bp.id)
	}
	return now, out
}

// place binds a new or invalid breakpoint now if it can, or says why it
// waits.
func (s *Session) place(bp *breakpoint) {
	switch {
	case s.state == Exited:
		bp.message = "the program has exited"
	case s.proc != nil:
		s.resolve(bp)
	default:
		bp.message = "the program is not running yet; the breakpoint is bound when it starts"
	}
}

// SetBreakpoints replaces the line breakpoints of one source file and
// returns them in the order asked. While the program runs it is stopped,
// changed and resumed, with no `stopped` event.
func (s *Session) SetBreakpoints(path string, asked []dap.SourceBreakpoint) ([]dap.Breakpoint, error) {
	if path == "" {
		return nil, fmt.Errorf(`setBreakpoints needs "source.path": breakpoints by source reference are not supported`)
	}
	resume := s.halt()
	now, out := s.replace(s.bps.bySource[path], len(asked),
		func(bp *breakpoint) string { return fmt.Sprint(bp.line) },
		func(i int) (*breakpoint, conditionSpec) {
			a := asked[i]
			return &breakpoint{kind: lineBP, path: path, line: a.Line},
				conditionSpec{a.Condition, a.HitCondition, a.LogMessage}
		})
	if len(now) == 0 {
		delete(s.bps.bySource, path)
	} else {
		s.bps.bySource[path] = now
	}
	if resume {
		s.continueAfterHalt()
	}
	return out, nil
}

// resolve binds bp to its addresses in the loaded images, or leaves it
// pending with the reason.
func (s *Session) resolve(bp *breakpoint) {
	var addrs []uint64
	switch bp.kind {
	case lineBP:
		a, actual, err := s.lineAddresses(bp.path, bp.line)
		if err != nil {
			bp.message = err.Error() + "; it is bound if a library loaded later has this line"
			return
		}
		addrs, bp.actual = a, actual
	case functionBP:
		a, err := s.functionAddresses(bp.name)
		if err != nil {
			bp.message = err.Error() + "; it is bound if a library loaded later has it"
			return
		}
		addrs = a
	case instructionBP:
		a, err := instructionAddress(bp.ref, bp.offset)
		if err == nil {
			err = s.checkInstructionStart(a)
		}
		if err != nil {
			bp.invalid = true
			bp.message = err.Error()
			return
		}
		addrs = []uint64{a}
	}
	if err := s.bps.bind(s, bp, addrs); err != nil {
		bp.message = err.Error()
		return
	}
	if bp.kind != lineBP {
		if loc, ok := s.table.LocationAt(bp.addrs[0]); ok {
			bp.at, bp.atLine = s.srcMap.toLocal(loc.File), loc.Line
		}
	}
}

// bindPending tries every unverified breakpoint again, after the process
// started or a library was loaded, and hands emit a `breakpoint` event for
// each that is now bound.
func (s *Session) bindPending(emit func(dap.Message)) {
	s.bps.all(func(bp *breakpoint) {
		if bp.verified() || bp.invalid {
			return
		}
		s.resolve(bp)
		if bp.verified() {
			emit(&dap.BreakpointEvent{
				Event: dap.Event{Event: "breakpoint"},
				Body:  dap.BreakpointEventBody{Reason: "changed", Breakpoint: bp.dap()},
			})
		}
	})
}

// forgetPhysical drops every physical breakpoint after exec, when the
// tracer has forgotten them with the old image; the logical ones bind again.
func (b *breakpoints) forgetPhysical() {
	b.users = map[uint64][]int{}
	b.internal = map[uint64]int{}
	b.all(func(bp *breakpoint) { bp.addrs = nil })
}
