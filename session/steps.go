package session

import (
	"errors"

	"github.com/dapproc/dapproc/tracer"
)

// stepOverLine is `next` at source level.
// TODO: run to the next line of the same frame (DESIGN "Stepping at source
// level"); until then it steps one instruction, over calls.
func (s *Session) stepOverLine(tid int, regs *tracer.Regs) (operation, error) {
	return s.stepOverInstruction(tid, regs)
}

// stepInLine is `stepIn` at source level.
// TODO: enter a call when the callee has line info; until then one
// instruction.
func (s *Session) stepInLine(tid int, regs *tracer.Regs) (operation, error) {
	return &stepInstructionOp{tid: tid}, nil
}

// stepOutOf runs thread tid until the current function returns to its
// caller: to the caller's return address, with the stack pointer back at
// the current frame's CFA (so a recursive call of the same function
// returning to the same address does not end the step).
func (s *Session) stepOutOf(tid int, regs *tracer.Regs) (operation, error) {
	frames, err := s.stack(tid)
	if err != nil {
		return nil, err
	}
	if len(frames) < 2 {
		return nil, errors.New("stepOut: the current function has no caller to return to")
	}
	ret := frames[1].PC
	if err := s.bps.acquireInternal(s, ret); err != nil {
		return nil, err
	}
	return &runToReturnOp{tid: tid, ret: ret, sp: frames[0].CFA}, nil
}
