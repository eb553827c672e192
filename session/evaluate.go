package session

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/go-delve/delve/pkg/dwarf/godwarf"
	"github.com/go-delve/delve/pkg/dwarf/op"
	"github.com/go-delve/delve/pkg/dwarf/regnum"
	"github.com/google/go-dap"

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
		// An enumeration constant (RUNNING), of its enum type.
		if typ, im, val, eerr := c.s.table.FindEnumerator(c.scope.Image(), name); eerr == nil {
			data := binary.LittleEndian.AppendUint64(nil, uint64(val))
			return eval.DataValue(typ, im, data[:max(min(typ.Size(), 8), 1)]), nil
		}
		// A function's name stands for the function, as in C.
		if fns, _, ferr := c.s.table.FunctionAddresses(name); ferr == nil && len(fns) > 0 && fns[0].Entry != 0 {
			f := fns[0]
			return eval.InMemoryValue(c.s.table.FunctionType(f), f.Image, f.Entry), nil
		}
		return eval.Value{}, err
	}
	if c.dregs == nil {
		base := c.base
		if base == nil {
			base = c.s.dwarfRegisters(&c.regs)
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

// dwarfRegs holds a thread's registers in delve's form for locating
// variables. The session keeps one and refills it at each evaluation
// (conditions are evaluated at every hit): no context outlives the
// evaluation that filled it.
type dwarfRegs struct {
	vals [dwarfRegCount]op.DwarfRegister
	ptrs [dwarfRegCount]*op.DwarfRegister
	regs op.DwarfRegisters
}

const dwarfRegCount = regnum.AMD64_Gs_base + 1

// dwarfRegisters is arch.DwarfRegisters into the session's scratch space.
func (s *Session) dwarfRegisters(r *tracer.Regs) *op.DwarfRegisters {
	if s.expr.dregs == nil {
		s.expr.dregs = &dwarfRegs{}
	}
	b := s.expr.dregs
	b.ptrs = [dwarfRegCount]*op.DwarfRegister{}
	for _, reg := range arch.Registers() {
		if n := reg.DwarfNum; n != arch.NoDwarfNum && n < dwarfRegCount {
			b.vals[n] = op.DwarfRegister{Uint64Val: reg.Get(r)}
			b.ptrs[n] = &b.vals[n]
		}
	}
	b.regs = *op.NewDwarfRegisters(0, b.ptrs[:], binary.LittleEndian, regnum.AMD64_Rip, regnum.AMD64_Rsp, regnum.AMD64_Rbp, 0)
	return &b.regs
}

// FindType implements eval.TypeFinder: the program's struct, union,
// enum and typedef types, for casts.
func (c *exprContext) FindType(tag, name string) (godwarf.Type, *symbols.Image, error) {
	return c.s.table.FindType(c.scope.Image(), tag, name)
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

// outerFrameContext is the context of a frame other than the innermost:
// its registers are those the unwinder recovered.
type outerFrameContext struct {
	*exprContext
	known map[string]bool // 64-bit registers known in the frame
}

// RegisterKnown implements eval.FrameRegisters. Vector registers (the zero
// Register) are never known in an outer frame.
func (c outerFrameContext) RegisterKnown(r arch.Register) bool { return c.known[r.Name] }

// frameContext returns the context of the frame frameID names, or of the
// focus thread's innermost frame when frameID is 0.
func (s *Session) frameContext(frameID int) (eval.Context, *exprContext, error) {
	if frameID == 0 {
		ctx, err := s.innermostContext(s.focus)
		return ctx, ctx, err
	}
	ref, f, err := s.frameByID(frameID)
	if err != nil {
		return nil, nil, err
	}
	if ref.index == 0 {
		ctx, err := s.innermostContext(ref.tid)
		return ctx, ctx, err
	}
	sc, err := s.table.FrameScope(f)
	if err != nil {
		return nil, nil, err
	}
	c := &exprContext{s: s, tid: ref.tid, scope: sc, base: f.Regs}
	known := map[string]bool{}
	for _, r := range arch.Registers() {
		if r.DwarfNum == arch.NoDwarfNum {
			continue
		}
		if v := f.Regs.Reg(uint64(r.DwarfNum)); v != nil {
			r.Set(&c.regs, v.Uint64Val)
			known[r.Name] = true
		}
	}
	return outerFrameContext{c, known}, c, nil
}

// replContext lets a repl expression assign to variables and to the
// registers of the innermost frame.
type replContext struct {
	eval.Context
	c *exprContext
}

// WriteMemory implements eval.Writer.
func (r replContext) WriteMemory(addr uint64, data []byte) error {
	if err := r.c.s.proc.WriteMemory(addr, data); err != nil {
		return err
	}
	r.c.s.frames.stacks = nil // the write may have changed a saved register or return address
	return nil
}

// WriteRegister implements eval.Writer.
func (r replContext) WriteRegister(name string, v uint64) error {
	if _, outer := r.Context.(outerFrameContext); outer {
		return fmt.Errorf("$%s can be set only in the innermost frame: select it first", name)
	}
	regs := r.c.regs
	if err := arch.WriteRegister(&regs, name, v); err != nil {
		return err
	}
	if err := r.c.s.proc.SetRegs(r.c.tid, regs); err != nil {
		return fmt.Errorf("set $%s of thread %d: %w", name, r.c.tid, err)
	}
	r.c.regs, r.c.dregs = regs, nil
	r.c.s.frames.stacks = nil // unwind again from the new registers
	return nil
}

// XState forwards eval.VectorRegisters, which embedding an interface hides.
func (r replContext) XState() (*arch.XState, error) { return r.c.XState() }

// FindType forwards eval.TypeFinder.
func (r replContext) FindType(tag, name string) (godwarf.Type, *symbols.Image, error) {
	return r.c.FindType(tag, name)
}

// RegisterKnown forwards eval.FrameRegisters.
func (r replContext) RegisterKnown(reg arch.Register) bool {
	if o, ok := r.Context.(outerFrameContext); ok {
		return o.RegisterKnown(reg)
	}
	return true
}

// Evaluate answers `evaluate`: expr in the frame frameID names (the focus
// thread's innermost frame when 0). In the repl context expr may also be a
// console command (see repl.go), and may assign; watch, hover, clipboard
// and variables never change the program.
func (s *Session) Evaluate(expr string, frameID int, context string) (dap.EvaluateResponseBody, error) {
	if err := s.needStopped(); err != nil {
		return dap.EvaluateResponseBody{}, err
	}
	expr = strings.TrimSpace(expr)
	if context == "repl" {
		if body, ok, err := s.replCommand(expr, frameID); ok {
			return body, err
		}
	}
	return s.evaluateExpr(expr, frameID, context)
}

// evaluateExpr evaluates expr for Evaluate.
func (s *Session) evaluateExpr(expr string, frameID int, context string) (dap.EvaluateResponseBody, error) {
	ctx, c, err := s.frameContext(frameID)
	if err != nil {
		return dap.EvaluateResponseBody{}, err
	}
	if context == "repl" {
		ctx = replContext{ctx, c}
	}
	e, err := s.parse(expr)
	if err != nil {
		return dap.EvaluateResponseBody{}, err
	}
	v, err := e.Eval(ctx)
	if err != nil {
		return dap.EvaluateResponseBody{}, err
	}
	vv, err := s.exprVariable(ctx, expr, v)
	if err != nil {
		return dap.EvaluateResponseBody{}, err
	}
	if vv.Unavailable != "" {
		return dap.EvaluateResponseBody{}, fmt.Errorf("%s: %s", expr, vv.Unavailable)
	}
	// Shown as the Variables view shows it: children (paged for large
	// arrays) named by expression, and where the value lives (for a
	// pointer, where it points).
	dv := s.dapVariable(vv, expr)
	return dap.EvaluateResponseBody{Result: dv.Value, Type: dv.Type, VariablesReference: dv.VariablesReference,
		IndexedVariables: dv.IndexedVariables, NamedVariables: dv.NamedVariables, MemoryReference: dv.MemoryReference}, nil
}

// SetExpression answers `setExpression`: it assigns value (an expression)
// to expr (a variable, a field, an element, *p, a register) in the frame
// frameID names, as `expr = value` in the debug console would, and returns
// what expr reads now.
func (s *Session) SetExpression(expr, value string, frameID int) (dap.SetExpressionResponseBody, error) {
	if err := s.needStopped(); err != nil {
		return dap.SetExpressionResponseBody{}, err
	}
	expr, value = strings.TrimSpace(expr), strings.TrimSpace(value)
	if _, err := s.evaluateExpr("("+expr+") = ("+value+")", frameID, "repl"); err != nil {
		return dap.SetExpressionResponseBody{}, err
	}
	now, err := s.evaluateExpr(expr, frameID, "watch")
	if err != nil {
		return dap.SetExpressionResponseBody{}, err
	}
	return dap.SetExpressionResponseBody{Value: now.Result, Type: now.Type, VariablesReference: now.VariablesReference}, nil
}
