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

// stepOutOf runs thread tid until the current function returns.
func (s *Session) stepOutOf(tid int, regs *tracer.Regs) (operation, error) {
	return nil, errors.New("stepOut needs the caller's frame, which is not available yet")
}
