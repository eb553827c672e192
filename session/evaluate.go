package session

import (
	"fmt"

	"github.com/go-delve/delve/pkg/dwarf/op"

	"github.com/dapproc/dapproc/arch"
	"github.com/dapproc/dapproc/eval"
	"github.com/dapproc/dapproc/symbols"
	"github.com/dapproc/dapproc/tracer"
)

// exprContext is an eval.Context for one frame of one thread at the
// current stop. It lives only during one evaluation (or one logpoint
// message): the registers it prepares are those of this stop.
type exprContext struct {
	s     *Session
	tid   int
	scope *symbols.Scope
	regs  tracer.Regs        // the frame's registers as tracer.Regs
	base  *op.DwarfRegisters // the frame's registers for locations, before FrameRegisters
	dregs *op.DwarfRegisters // prepared by the scope, on the first Lookup
}

// innermostContext is the context of thread tid's innermost frame, built
// without unwinding.
func (s *Session) innermostContext(tid int) (*exprContext, error) {
	regs, err := s.proc.Regs(tid)
	if err != nil {
		return nil, fmt.Errorf("registers of thread %d: %w", tid, err)
	}
	sc, err := s.innermostScope(regs.Rip)
	if err != nil {
		return nil, err
	}
	return &exprContext{s: s, tid: tid, scope: sc, regs: regs}, nil
}

// Lookup implements eval.Context.
func (c *exprContext) Lookup(name string) (eval.Value, error) {
	b, err := c.scope.Lookup(name)
	if err != nil {
		return eval.Value{}, err
	}
	if c.dregs == nil {
		base := c.base
		if base == nil {
			base = arch.DwarfRegisters(&c.regs)
		}
		c.dregs, err = c.scope.FrameRegisters(base, c.s.proc)
		if err != nil {
			return eval.Value{}, fmt.Errorf("locating %s: %w", name, err)
		}
	}
	addr, data, err := b.Locate(c.dregs, c.s.proc)
	if err != nil {
		return eval.Value{}, fmt.Errorf("%s: %w", name, err)
	}
	if data != nil {
		return eval.DataValue(b.Type, b.Image, data), nil
	}
	return eval.InMemoryValue(b.Type, b.Image, addr), nil
}

// Registers implements eval.Context.
func (c *exprContext) Registers() (*tracer.Regs, error) { return &c.regs, nil }

// ReadMemory implements eval.Context.
func (c *exprContext) ReadMemory(addr uint64, buf []byte) (int, error) {
	return c.s.proc.ReadMemory(addr, buf)
}

// XState implements eval.VectorRegisters.
func (c *exprContext) XState() (*arch.XState, error) {
	area, err := c.s.proc.XState(c.tid)
	if err != nil {
		return nil, fmt.Errorf("vector registers of thread %d: %w", c.tid, err)
	}
	return arch.DecodeXState(area)
}
