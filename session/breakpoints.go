package session

import (
	"fmt"
	"path/filepath"
	"slices"

	"github.com/google/go-dap"
)

// lineBreakpoint is a logical breakpoint: what the user asked for (a line of
// a source file), and the addresses it is bound to.
type lineBreakpoint struct {
	id      int
	path    string
	line    int // as asked
	actual  int // the line that has code, once bound
	addrs   []uint64
	message string // why it is not verified
}

func (b *lineBreakpoint) verified() bool { return len(b.addrs) > 0 }

func (b *lineBreakpoint) dap() dap.Breakpoint {
	out := dap.Breakpoint{Id: b.id, Verified: b.verified(), Message: b.message,
		Source: &dap.Source{Name: filepath.Base(b.path), Path: b.path}, Line: b.line}
	if b.verified() {
		out.Line = b.actual
		out.Message = ""
	}
	return out
}

// breakpoints maps logical breakpoints onto physical ones. One address may
// serve several logical breakpoints and the stepping machinery at once; the
// tracer holds one breakpoint per address, set while any user counts on it.
type breakpoints struct {
	nextID   int
	bySource map[string][]*lineBreakpoint // key: path as the client sent it
	users    map[uint64][]int             // address -> logical breakpoint ids
	internal map[uint64]int               // address -> count of internal users (steps, rendezvous)
}

func newBreakpoints() breakpoints {
	return breakpoints{nextID: 1, bySource: map[string][]*lineBreakpoint{},
		users: map[uint64][]int{}, internal: map[uint64]int{}}
}

// userAt returns the ids of the logical breakpoints at addr.
func (b *breakpoints) userAt(addr uint64) []int { return b.users[addr] }

func (b *breakpoints) inUse(addr uint64) bool {
	return len(b.users[addr]) > 0 || b.internal[addr] > 0
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

// bind sets the physical breakpoints of lb at addrs.
func (b *breakpoints) bind(s *Session, lb *lineBreakpoint, addrs []uint64, actual int) error {
	var set []uint64
	for _, a := range addrs {
		if !b.inUse(a) {
			if err := s.proc.SetBreakpoint(a); err != nil {
				for _, done := range set {
					b.users[done] = slices.DeleteFunc(b.users[done], func(id int) bool { return id == lb.id })
					b.clearIfUnused(s, done)
				}
				return fmt.Errorf("breakpoint at %#x: %w", a, err)
			}
		}
		b.users[a] = append(b.users[a], lb.id)
		set = append(set, a)
	}
	lb.addrs = addrs
	lb.actual = actual
	lb.message = ""
	return nil
}

// unbind removes lb's physical breakpoints.
func (b *breakpoints) unbind(s *Session, lb *lineBreakpoint) {
	for _, a := range lb.addrs {
		b.users[a] = slices.DeleteFunc(b.users[a], func(id int) bool { return id == lb.id })
		if len(b.users[a]) == 0 {
			delete(b.users, a)
		}
		b.clearIfUnused(s, a)
	}
	lb.addrs = nil
}

// SetBreakpoints replaces the line breakpoints of one source file and
// returns them in the order asked. While the program runs it is stopped,
// changed and resumed, with no `stopped` event.
func (s *Session) SetBreakpoints(path string, lines []int) ([]dap.Breakpoint, error) {
	if path == "" {
		return nil, fmt.Errorf(`setBreakpoints needs "source.path": breakpoints by source reference are not supported`)
	}
	resume := s.halt()
	old := s.bps.bySource[path]
	reuse := map[int]*lineBreakpoint{}
	for _, lb := range old {
		reuse[lb.line] = lb
	}
	var now []*lineBreakpoint
	out := make([]dap.Breakpoint, 0, len(lines))
	for _, line := range lines {
		lb := reuse[line]
		if lb != nil {
			delete(reuse, line)
		} else {
			lb = &lineBreakpoint{id: s.bps.nextID, path: path, line: line}
			s.bps.nextID++
			switch {
			case s.state == Exited:
				lb.message = "the program has exited"
			case s.proc != nil:
				s.resolve(lb)
			default:
				lb.message = "the program is not running yet; the breakpoint is bound when it starts"
			}
		}
		now = append(now, lb)
		out = append(out, lb.dap())
	}
	for _, lb := range reuse {
		if s.proc != nil && s.state != Exited {
			s.bps.unbind(s, lb)
		}
	}
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

// resolve binds lb to the addresses of its line in the loaded images, or
// leaves it pending with the reason.
func (s *Session) resolve(lb *lineBreakpoint) {
	addrs, actual, err := s.lineAddresses(lb.path, lb.line)
	if err != nil {
		lb.message = err.Error() + "; it is bound if a library loaded later has this line"
		return
	}
	if err := s.bps.bind(s, lb, addrs, actual); err != nil {
		lb.message = err.Error()
	}
}

// bindPending tries every unverified breakpoint again, after the process
// started or a library was loaded, and hands emit a `breakpoint` event for
// each that is now bound.
func (s *Session) bindPending(emit func(dap.Message)) {
	for _, list := range s.bps.bySource {
		for _, lb := range list {
			if lb.verified() {
				continue
			}
			s.resolve(lb)
			if lb.verified() {
				emit(&dap.BreakpointEvent{
					Event: dap.Event{Event: "breakpoint"},
					Body:  dap.BreakpointEventBody{Reason: "changed", Breakpoint: lb.dap()},
				})
			}
		}
	}
}

// forgetPhysical drops every physical breakpoint after exec, when the
// tracer has forgotten them with the old image; the logical ones bind again.
func (b *breakpoints) forgetPhysical() {
	b.users = map[uint64][]int{}
	b.internal = map[uint64]int{}
	for _, list := range b.bySource {
		for _, lb := range list {
			lb.addrs = nil
		}
	}
}
