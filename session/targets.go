package session

import (
	"encoding/binary"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/arch"
	"github.com/dapproc/dapproc/symbols"
	"github.com/dapproc/dapproc/tracer"
)

// stepIn targets and goto targets.
//
// A stepIn target's id is the run-time address its call goes to, and a
// goto target's id is the address of the line's code: ids that need no
// table of their own and cannot name something else after a resume.

// StepInTargets answers `stepInTargets` for a frame: the functions called
// directly by the code of the frame's line, in the order of the calls.
func (s *Session) StepInTargets(frameID int) ([]dap.StepInTarget, error) {
	if err := s.needStopped(); err != nil {
		return nil, err
	}
	_, f, err := s.frameByID(frameID)
	if err != nil {
		return nil, err
	}
	out := []dap.StepInTarget{}
	for _, c := range s.lineCalls(f.LookupPC()) {
		out = append(out, dap.StepInTarget{Id: int(c.target), Label: c.name, Line: c.line})
	}
	return out, nil
}

// lineCall is a direct call made by the code of one line.
type lineCall struct {
	target uint64 // the call's destination
	name   string // the function called
	line   int
}

// lineCalls decodes the function around pc and returns the direct calls
// whose instructions belong to pc's line (outside inlined bodies).
func (s *Session) lineCalls(pc uint64) []lineCall {
	fn, ok := s.table.FunctionAt(pc)
	if !ok {
		return nil
	}
	loc, ok := s.table.LocationAt(pc)
	if !ok {
		return nil
	}
	var out []lineCall
	seen := map[uint64]bool{}
	ranges := fn.Ranges
	if len(ranges) == 0 {
		ranges = [][2]uint64{{fn.Entry, fn.End}}
	}
	for _, r := range ranges {
		code := make([]byte, r[1]-r[0])
		n, _ := s.proc.ReadMemory(r[0], code)
		for _, inst := range arch.DecodeRange(code[:n], r[0]) {
			if !inst.IsCall() || inst.Indirect || inst.Target == 0 || seen[inst.Target] {
				continue
			}
			l, ok := s.table.LocationAt(inst.PC)
			if !ok || l.Line != loc.Line || l.File != loc.File {
				continue
			}
			seen[inst.Target] = true
			out = append(out, lineCall{target: inst.Target, name: s.calleeName(inst.Target), line: l.Line})
		}
	}
	return out
}

// calleeName names the function at a call's destination; a PLT stub is
// named after the function it jumps to once bound ("strlen").
func (s *Session) calleeName(target uint64) string {
	if fn, ok := s.table.FunctionAt(target); ok && fn.Entry == target {
		return strings.TrimSuffix(fn.Name, "@plt")
	}
	if inst, err := s.decodeAt(target); err == nil && inst.IsJump() && inst.TargetPointer != 0 {
		var buf [8]byte
		if n, _ := s.proc.ReadMemory(inst.TargetPointer, buf[:]); n == 8 {
			dest := binary.LittleEndian.Uint64(buf[:])
			if fn, ok := s.table.FunctionAt(dest); ok && fn.Entry == dest {
				return fn.Name
			}
		}
	}
	if im := s.table.ImageAt(target); im != nil {
		return fmt.Sprintf("%#x in %s", target, filepath.Base(im.Path))
	}
	return fmt.Sprintf("%#x", target)
}

// stepInto is stepIn with a target: it runs until thread tid enters the
// body of the function at target, called from the current line, or
// leaves the line without calling it (then it ends as next would).
func (s *Session) stepInto(tid int, regs *tracer.Regs, target uint64) (operation, error) {
	lc := s.lineContextAt(tid, regs.PC(), sameInline)
	if lc == nil {
		return nil, errors.New("stepIn target: the current position has no line info; step without a target")
	}
	known := false
	for _, c := range s.lineCalls(regs.PC()) {
		known = known || c.target == target
	}
	if !known {
		return nil, fmt.Errorf("stepIn target %#x is not called from this line: ask for stepInTargets again", target)
	}
	var enter []uint64
	if fn, ok := s.table.FunctionAt(target); ok && fn.HasDWARF() && fn.Entry == target {
		enter = []uint64{fn.BodyEntry()}
	}
	return s.runToStatements(tid, lc, enter)
}

// GotoTargets answers `gotoTargets`: the code of a source line, as one
// target per function it is in.
func (s *Session) GotoTargets(path string, line int) ([]dap.GotoTarget, error) {
	if err := s.needStopped(); err != nil {
		return nil, err
	}
	addrs, actual, err := s.lineAddresses(path, line)
	if err != nil {
		return nil, err
	}
	out := []dap.GotoTarget{}
	for _, a := range addrs {
		label := fmt.Sprintf("%s:%d", filepath.Base(path), actual)
		if fn, ok := s.table.FunctionAt(a); ok {
			label += " in " + fn.Name
		}
		out = append(out, dap.GotoTarget{Id: int(a), Label: label, Line: actual,
			InstructionPointerReference: fmt.Sprintf("%#x", a)})
	}
	return out, nil
}

// Goto moves thread tid's PC to a target from GotoTargets, which must be
// in the function the thread is in (its frame stays valid only there).
// The `stopped` event with reason goto follows the response.
func (s *Session) Goto(tid, targetID int) error {
	if err := s.needStopped(); err != nil {
		return err
	}
	if err := s.checkThread(tid); err != nil {
		return err
	}
	regs, err := s.proc.Regs(tid)
	if err != nil {
		return fmt.Errorf("registers of thread %d: %w", tid, err)
	}
	target := uint64(targetID)
	here, ok := s.table.FunctionAt(regs.PC())
	there, ok2 := s.table.FunctionAt(target)
	if !ok || !ok2 || here != there {
		return fmt.Errorf("goto target %#x is not in the function thread %d is in (%s): goto moves only within the current function", target, tid, functionName(here))
	}
	regs.SetPC(target)
	if err := s.proc.SetRegs(tid, regs); err != nil {
		return fmt.Errorf("set the PC of thread %d: %w", tid, err)
	}
	s.frames.reset()
	s.handles.reset()
	s.focus = tid
	s.queueAfterResponse(s.stoppedEvent("goto", tid, "", nil))
	return nil
}

func functionName(f *symbols.Function) string {
	if f == nil {
		return "unknown code"
	}
	return f.Name
}
