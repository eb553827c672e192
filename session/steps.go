package session

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"

	"github.com/go-delve/delve/pkg/dwarf/godwarf"

	"github.com/dapproc/dapproc/arch"
	"github.com/dapproc/dapproc/symbols"
	"github.com/dapproc/dapproc/tracer"
)

// Source-level stepping (DESIGN "Stepping at source level"):
//
//   - next runs every thread with temporary breakpoints on the statement
//     starts of the current function that belong to other lines, and on the
//     return address; a hit counts only for the stepping thread in the same
//     frame (same CFA), so recursion and other threads do not end the step.
//     Statements inside inlined calls deeper than the current position do
//     not count either: next steps over inlined bodies as over calls.
//   - stepIn single-steps the thread until it reaches the start of another
//     line of the function (inlined bodies included), or leaves it. At a
//     call it enters the callee if the callee has line info (running to
//     the end of its prologue), and runs over it as next would otherwise.
//     With a target (stepInTargets), it runs as next does, plus a
//     breakpoint on that callee's body, which counts in a deeper frame.
//   - stepOut runs to the caller's return address, with the stack pointer
//     back at the current frame's CFA; out of an inlined call, to the
//     first statement outside it.
//
// A code position without line info runs back to the nearest caller that
// has line info (leaveNoLineCode). singleThread wraps any of these in
// oneThread (control.go). A user breakpoint ends every step: the session
// checks them before it asks the operation (stop.go).

// lineContext is where a source step starts: the function, its frame, and
// the line of the thread's PC.
type lineContext struct {
	fn    *symbols.Function
	file  string
	line  int
	cfa   uint64
	ret   uint64 // the caller's return address; 0 if there is no caller
	stmts map[uint64]bool
}

// Which statements of the function a step may end at, besides the
// current line's own.
const (
	// sameInline: only statements of the current inlined call (or of
	// the code it is inlined into), so that next steps over the bodies
	// of inlined calls as it steps over real calls.
	sameInline = iota
	// anyInline: every statement, inlined bodies included: stepIn
	// enters an inlined call's lines.
	anyInline
	// outerInline: only statements outside the innermost inlined call:
	// stepOut of an inlined call ends in the code it was inlined into.
	outerInline
)

// lineContextAt describes thread tid's position, or returns nil when it
// has no line info. which chooses the statements the step may end at.
func (s *Session) lineContextAt(tid int, pc uint64, which int) *lineContext {
	fn, ok := s.table.FunctionAt(pc)
	if !ok || !fn.HasDWARF() {
		return nil
	}
	loc, ok := s.table.LocationAt(pc)
	if !ok {
		return nil
	}
	frames, err := s.callerFrames(tid)
	if err != nil || len(frames) == 0 {
		return nil
	}
	cfa, ret := physicalReturn(frames)
	lc := &lineContext{fn: fn, file: loc.File, line: loc.Line, cfa: cfa, ret: ret, stmts: map[uint64]bool{}}
	cur := inlineChain(s.table.InlineStack(pc))
	for _, st := range s.statements(fn) {
		if st.line == loc.Line && st.file == loc.File && (which != outerInline || len(cur) == 0) {
			continue
		}
		switch which {
		case sameInline:
			if !isSuffix(st.inl, cur) {
				continue
			}
		case outerInline:
			if len(cur) > 0 && !isSuffix(st.inl, cur[1:]) {
				continue
			}
		}
		lc.stmts[st.addr] = true
	}
	return lc
}

// statement is a statement start of a function, its line, and the
// inlined calls it lies in (see inlineChain).
type statement struct {
	addr uint64
	file string
	line int
	inl  []uint64
}

// statements returns fn's statement starts with their lines, looked up
// once per function and kept until the symbol table is rebuilt.
func (s *Session) statements(fn *symbols.Function) []statement {
	if sts, ok := s.stmtCache[fn]; ok {
		return sts
	}
	var sts []statement
	for _, a := range fn.StatementAddresses() {
		if l, ok := s.table.LocationAt(a); ok {
			sts = append(sts, statement{a, l.File, l.Line, inlineChain(s.table.InlineStack(a))})
		}
	}
	if s.stmtCache == nil {
		s.stmtCache = map[*symbols.Function][]statement{}
	}
	s.stmtCache[fn] = sts
	return sts
}

// inlineChain names each inlined call of an inline stack (innermost
// first) by the start of its code, which tells two copies apart.
func inlineChain(stack []symbols.InlinedCall) []uint64 {
	if len(stack) == 0 {
		return nil
	}
	out := make([]uint64, len(stack))
	for i, c := range stack {
		if len(c.Ranges) > 0 {
			out[i] = c.Ranges[0][0]
		}
	}
	return out
}

// isSuffix reports whether inner is the outer end of chain: code in the
// same inlined call as chain's, or in one of those it is inlined into.
func isSuffix(inner, chain []uint64) bool {
	if len(inner) > len(chain) {
		return false
	}
	tail := chain[len(chain)-len(inner):]
	for i := range inner {
		if inner[i] != tail[i] {
			return false
		}
	}
	return true
}

// callerFrames returns thread tid's innermost frames down to the first
// real (not inlined) frame and its caller, unwinding no further than that.
func (s *Session) callerFrames(tid int) ([]symbols.Frame, error) {
	frames, err := s.topFrames(tid, 2)
	if err == nil && len(frames) > 0 && frames[0].Inlined {
		frames, err = s.topFrames(tid, 16)
	}
	return frames, err
}

// topFrames returns at least the n innermost frames of thread tid (fewer
// if the stack is shallower), from this stop's cache when there is one.
func (s *Session) topFrames(tid, n int) ([]symbols.Frame, error) {
	if frames, ok := s.frames.stacks[tid]; ok {
		return frames, nil
	}
	regs, err := s.proc.Regs(tid)
	if err != nil {
		return nil, fmt.Errorf("registers of thread %d: %w", tid, err)
	}
	return s.table.Unwind(arch.DwarfRegisters(&regs), s.proc, n)
}

// frameCFA returns the CFA of thread tid's innermost frame.
func (s *Session) frameCFA(tid int) (uint64, bool) {
	frames, err := s.topFrames(tid, 1)
	if err != nil || len(frames) == 0 {
		return 0, false
	}
	return frames[0].CFA, true
}

// stepOverLine is `next` at source level.
func (s *Session) stepOverLine(tid int, regs *tracer.Regs) (operation, error) {
	lc := s.lineContextAt(tid, regs.PC(), sameInline)
	if lc == nil {
		return s.leaveNoLineCode(tid, regs, true)
	}
	return s.runToStatements(tid, lc, nil)
}

// noLineDepth bounds how many callers leaveNoLineCode looks through.
const noLineDepth = 32

// leaveNoLineCode is next or stepIn where the PC has no line info (in a
// library without debug info, after a pause or a function breakpoint):
// as gdb does, it runs until the code returns into the nearest caller that
// has line info, and stops there. With no such caller it steps one
// instruction (over a call, for next).
func (s *Session) leaveNoLineCode(tid int, regs *tracer.Regs, over bool) (operation, error) {
	frames, err := s.topFrames(tid, noLineDepth)
	if err == nil {
		for i := 1; i < len(frames); i++ {
			if _, ok := s.table.LocationAt(frames[i].LookupPC()); !ok || frames[i-1].Inlined {
				continue
			}
			ret := frames[i].PC
			if err := s.bps.acquireInternal(s, ret); err != nil {
				return nil, err
			}
			return &runToReturnOp{tid: tid, ret: ret, sp: frames[i-1].CFA}, nil
		}
	}
	if over {
		return s.stepOverInstruction(tid, regs)
	}
	return &stepInstructionOp{tid: tid}, nil
}

// runToStatements runs until thread tid reaches one of lc's statements in
// lc's frame, returns from that frame, or reaches one of the enter
// addresses in a deeper frame (the body of a chosen callee).
func (s *Session) runToStatements(tid int, lc *lineContext, enter []uint64) (operation, error) {
	op := &nextLineOp{tid: tid, lc: lc}
	addrs := make([]uint64, 0, len(lc.stmts)+1+len(enter))
	for a := range lc.stmts {
		addrs = append(addrs, a)
	}
	if lc.ret != 0 {
		addrs = append(addrs, lc.ret)
	}
	addrs = append(addrs, enter...)
	if len(enter) > 0 {
		op.enter = map[uint64]bool{}
		for _, a := range enter {
			op.enter[a] = true
		}
	}
	for _, a := range addrs {
		if err := op.hold(s, a); err != nil {
			op.end(s)
			return nil, err
		}
	}
	return op, nil
}

// nextLineOp is `next` at source level, and the other steps that run to
// a set of statements: stepOut of an inlined call, stepIn to a target.
type nextLineOp struct {
	tid   int
	lc    *lineContext
	enter map[uint64]bool // a callee's body: the step ends there in a deeper frame
	held  []uint64
}

func (o *nextLineOp) hold(s *Session, addr uint64) error {
	if err := s.bps.acquireInternal(s, addr); err != nil {
		return err
	}
	o.held = append(o.held, addr)
	return nil
}

func (o *nextLineOp) call() tracerCall {
	return func(p tracer.Process) (tracer.StopEvent, error) { return p.Continue() }
}

func (o *nextLineOp) stopped(s *Session, ev *tracer.StopEvent) (bool, string) {
	if ev.Reason != tracer.StopBreakpoint {
		return true, ""
	}
	if ev.Tid != o.tid {
		return false, ""
	}
	if o.enter[ev.Addr] {
		regs, err := s.proc.Regs(o.tid)
		if err != nil || regs.SP() < o.lc.cfa {
			return true, "step"
		}
	}
	if ev.Addr == o.lc.ret && o.lc.ret != 0 {
		regs, err := s.proc.Regs(o.tid)
		if err != nil || regs.SP() >= o.lc.cfa {
			return true, "step"
		}
	}
	if o.lc.stmts[ev.Addr] {
		cfa, ok := s.frameCFA(o.tid)
		if !ok || cfa == o.lc.cfa {
			return true, "step"
		}
	}
	return false, "" // a deeper, recursive call of the function
}

func (o *nextLineOp) end(s *Session) {
	for _, a := range o.held {
		s.bps.releaseInternal(s, a)
	}
	o.held = nil
}

// stepInLine is `stepIn` at source level.
func (s *Session) stepInLine(tid int, regs *tracer.Regs) (operation, error) {
	lc := s.lineContextAt(tid, regs.PC(), anyInline)
	if lc == nil {
		return s.leaveNoLineCode(tid, regs, false)
	}
	op := &stepInLineOp{tid: tid, lc: lc}
	op.atCall = s.isCallAt(regs.PC())
	return op, nil
}

// stepInLineOp is `stepIn` at source level: single steps, except while it
// runs to a temporary breakpoint (the callee's body, or the return from a
// callee without line info).
type stepInLineOp struct {
	tid    int
	lc     *lineContext
	atCall bool // the next instruction to step is a call

	target  uint64 // the temporary breakpoint run to; 0 while single-stepping
	enter   bool   // the target is a callee's body: reaching it ends the step
	minSP   uint64 // the return target counts only with the stack pointer at least this
	pending bool   // target holds a breakpoint
}

func (o *stepInLineOp) call() tracerCall {
	if o.target != 0 {
		return func(p tracer.Process) (tracer.StopEvent, error) { return p.Continue() }
	}
	tid := o.tid
	return func(p tracer.Process) (tracer.StopEvent, error) { return p.StepInstruction(tid) }
}

func (o *stepInLineOp) stopped(s *Session, ev *tracer.StopEvent) (bool, string) {
	if o.target != 0 {
		if ev.Reason != tracer.StopBreakpoint || ev.Addr != o.target {
			return true, ""
		}
		if ev.Tid != o.tid {
			return false, ""
		}
		regs, err := s.proc.Regs(o.tid)
		if err != nil {
			return true, "step"
		}
		if !o.enter && regs.SP() < o.minSP {
			return false, "" // a recursive call returning to the same place
		}
		o.release(s)
		if o.enter {
			return true, "step"
		}
		return o.afterStep(s, regs.PC(), false)
	}
	if ev.Reason != tracer.StopStep {
		return true, ""
	}
	regs, err := s.proc.Regs(o.tid)
	if err != nil {
		return true, "step"
	}
	return o.afterStep(s, regs.PC(), o.atCall)
}

// afterStep decides at pc, where the thread got to by one instruction
// (a call if wasCall) or by returning from a callee.
func (o *stepInLineOp) afterStep(s *Session, pc uint64, wasCall bool) (bool, string) {
	if wasCall {
		callee, ok := s.table.FunctionAt(pc)
		if ok && callee.HasDWARF() {
			body := callee.BodyEntry()
			if _, hasLine := s.table.LocationAt(body); hasLine {
				if body == pc {
					return true, "step"
				}
				if o.runTo(s, body, true, 0) {
					return false, ""
				}
				return true, "step"
			}
		}
		// No line info: run to the return, as next does.
		regs, err := s.proc.Regs(o.tid)
		if err != nil {
			return true, "step"
		}
		var ret [8]byte
		if n, _ := s.proc.ReadMemory(regs.SP(), ret[:]); n != 8 {
			return true, "step"
		}
		retAddr := binary.LittleEndian.Uint64(ret[:])
		if o.runTo(s, retAddr, false, regs.SP()+8) {
			return false, ""
		}
		return true, "step"
	}
	if !fnContains(o.lc.fn, pc) {
		return true, "step" // returned, or a tail call
	}
	if o.lc.stmts[pc] {
		return true, "step"
	}
	o.atCall = s.isCallAt(pc)
	return false, ""
}

// runTo switches from single steps to running to a temporary breakpoint.
func (o *stepInLineOp) runTo(s *Session, addr uint64, enter bool, minSP uint64) bool {
	if err := s.bps.acquireInternal(s, addr); err != nil {
		s.log.Warn("step in: temporary breakpoint", "addr", fmt.Sprintf("%#x", addr), "err", err)
		return false
	}
	o.target, o.enter, o.minSP, o.pending = addr, enter, minSP, true
	return true
}

func (o *stepInLineOp) release(s *Session) {
	if o.pending {
		s.bps.releaseInternal(s, o.target)
	}
	o.target, o.pending = 0, false
}

func (o *stepInLineOp) end(s *Session) { o.release(s) }

// isCallAt reports whether the instruction at pc is a call.
func (s *Session) isCallAt(pc uint64) bool {
	inst, err := s.decodeAt(pc)
	return err == nil && inst.IsCall()
}

// fnContains reports whether pc is in one of f's ranges.
func fnContains(f *symbols.Function, pc uint64) bool {
	if len(f.Ranges) == 0 {
		return pc >= f.Entry && pc < f.End
	}
	for _, r := range f.Ranges {
		if pc >= r[0] && pc < r[1] {
			return true
		}
	}
	return false
}

// stepOutOf runs thread tid until the current function returns to its
// caller: to the caller's return address, with the stack pointer back at
// the current frame's CFA (so a recursive call of the same function
// returning to the same address does not end the step).
//
// Out of an inlined call, it runs to the first statement outside the
// inlined code, in the function it was inlined into.
func (s *Session) stepOutOf(tid int, regs *tracer.Regs) (operation, error) {
	if len(s.table.InlineStack(regs.PC())) > 0 {
		if lc := s.lineContextAt(tid, regs.PC(), outerInline); lc != nil {
			return s.runToStatements(tid, lc, nil)
		}
	}
	frames, err := s.callerFrames(tid)
	if err != nil {
		return nil, err
	}
	if len(frames) == 0 {
		return nil, errors.New("stepOut: no frame to step out of")
	}
	cfa, ret := physicalReturn(frames)
	if ret == 0 {
		return nil, errors.New("stepOut: the current function has no caller to return to")
	}
	if err := s.bps.acquireInternal(s, ret); err != nil {
		return nil, err
	}
	fn, _ := s.table.FunctionAt(regs.PC())
	return &stepOutOp{&runToReturnOp{tid: tid, ret: ret, sp: cfa}, fn}, nil
}

// physicalReturn returns the CFA of the innermost real (not inlined) frame
// and the address it returns to, 0 if it has no caller. A stepOut of an
// inlined call leaves the function it was inlined into.
func physicalReturn(frames []symbols.Frame) (cfa, ret uint64) {
	i := 0
	for i < len(frames)-1 && frames[i].Inlined {
		i++
	}
	cfa = frames[i].CFA
	if i+1 < len(frames) {
		ret = frames[i+1].PC
	}
	return cfa, ret
}

// stepOutOp is a stepOut of a real (not inlined) call of fn: its stop says
// what fn returned, when the value is in RAX.
type stepOutOp struct {
	operation
	fn *symbols.Function
}

// stepDescription describes the end of the current operation at ev for
// the stopped event: "square returned 9" when a stepOut reached its return
// address, "" otherwise.
func (s *Session) stepDescription(ev *tracer.StopEvent, reason string) string {
	op := s.op
	if w, ok := op.(oneThread); ok {
		op = w.operation
	}
	out, ok := op.(*stepOutOp)
	if !ok || reason != "step" || out.fn == nil || !out.fn.HasDWARF() {
		return ""
	}
	if rt, ok := out.operation.(*runToReturnOp); !ok || ev.Reason != tracer.StopBreakpoint || ev.Addr != rt.ret {
		return ""
	}
	regs, err := s.proc.Regs(ev.Tid)
	if err != nil {
		return ""
	}
	ft, ok := s.table.FunctionType(out.fn).(*godwarf.FuncType)
	if !ok {
		return ""
	}
	if v := integerResult(ft.ReturnType, regs.Rax); v != "" {
		return out.fn.Name + " returned " + v
	}
	return ""
}

// integerResult formats a return value of type t that the x86-64 System V
// ABI returns in RAX (integers, characters, booleans, pointers); "" for
// other types (void, floating point, structs).
func integerResult(t godwarf.Type, rax uint64) string {
	for {
		switch tt := t.(type) {
		case *godwarf.TypedefType:
			t = tt.Type
			continue
		case *godwarf.QualType:
			t = tt.Type
			continue
		}
		break
	}
	if t == nil || t.Size() <= 0 || t.Size() > 8 {
		return ""
	}
	bits := uint(t.Size() * 8)
	v := rax
	if bits < 64 {
		v &= 1<<bits - 1
	}
	switch t.(type) {
	case *godwarf.IntType, *godwarf.CharType:
		shift := 64 - bits
		return strconv.FormatInt(int64(v<<shift)>>shift, 10)
	case *godwarf.UintType, *godwarf.UcharType:
		return strconv.FormatUint(v, 10)
	case *godwarf.BoolType:
		return strconv.FormatBool(v != 0)
	case *godwarf.PtrType:
		return fmt.Sprintf("%#x", v)
	}
	return ""
}
