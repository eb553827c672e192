package symbols

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/go-delve/delve/pkg/dwarf/frame"
	"github.com/go-delve/delve/pkg/dwarf/op"
	"github.com/go-delve/delve/pkg/dwarf/regnum"
)

// Frame is one call frame of a thread's stack.
type Frame struct {
	// PC is the frame's program counter: the current instruction in the
	// innermost frame and in a frame a signal interrupted, the return
	// address in every other frame.
	PC uint64
	// CFA is the canonical frame address: the value the stack pointer had
	// in the caller just before its call instruction. It identifies the
	// frame (recursion does not repeat it). For a signal frame it is the
	// stack pointer of the interrupted code, as glibc's CFI for
	// __restore_rt defines it.
	CFA uint64
	// Regs are the frame's registers as far as unwinding recovers them:
	// all of them in the innermost frame and the frame a signal
	// interrupted; the PC, the stack pointer and the callee-saved registers
	// (rbx, rbp, r12-r15) in the others. Regs.CFA is set.
	Regs *op.DwarfRegisters
	// Function is the function containing the frame's code, nil when no
	// symbol covers it (a signal trampoline in a stripped libc, JIT code).
	// For an inlined frame it is the inlined function.
	Function *Function
	// Location is the source position of the frame, valid if HasLocation.
	Location    Location
	HasLocation bool
	// SignalFrame marks the kernel's signal trampoline (__restore_rt): the
	// frame below it is a signal handler, the frame above it the code the
	// signal interrupted.
	SignalFrame bool
	// Inlined marks a call the compiler inlined into the frame after it,
	// which is the physical frame: they share PC, CFA and Regs.
	Inlined bool
	// Image is the image whose code holds the frame, or nil.
	Image *Image

	lookup      uint64    // the address the frame's symbols are looked up at
	physical    *Function // the function of the physical frame, holding the DWARF scopes
	inlineDepth int       // 0 for the innermost inlined call at the PC; len(InlineStack) for the physical frame
}

// LookupPC returns the address at which the frame's function, line, and
// variables are looked up: the PC itself in the innermost frame and after a
// signal, PC-1 otherwise, since a return address may already belong to the
// next line or even the next function (a call to a noreturn function that
// ends one).
func (f *Frame) LookupPC() uint64 { return f.lookup }

// DWARF register numbers of x86-64 (System V psABI, figure 3.36).
const (
	regPC = regnum.AMD64_Rip
	regSP = regnum.AMD64_Rsp
	regBP = regnum.AMD64_Rbp
)

// calleeSaved are the registers a called function must preserve (System V
// x86-64 ABI): a caller's values of them survive the call, so without a CFI
// rule they keep the callee's value ("same value"). Every other register is
// unknown in a caller frame.
var calleeSaved = []uint64{regnum.AMD64_Rbx, regBP, regnum.AMD64_R12, regnum.AMD64_R13, regnum.AMD64_R14, regnum.AMD64_R15}

// Unwind walks the stack of a thread whose registers are regs, innermost
// frame first, and returns at most maxFrames frames. It follows the
// call-frame information (.eh_frame and .debug_frame) of the image that
// holds each PC, falls back to the frame-pointer chain where there is none,
// crosses signal frames by reading the registers the kernel saved, and
// stops cleanly at the outermost frame (_start, a thread's start routine,
// runtime.goexit). A stack that turns to garbage (a PC outside every image,
// a CFA that does not grow) ends the walk: the frames up to it are returned
// without an error. The error is non-nil only when not even the innermost
// frame can be described.
func (t *Table) Unwind(regs *op.DwarfRegisters, mem MemoryReader, maxFrames int) ([]Frame, error) {
	if regs == nil || regs.Reg(regPC) == nil || regs.Reg(regSP) == nil {
		return nil, errors.New("unwind: the registers lack the PC or the stack pointer")
	}
	mem = newPageCache(mem)
	cur := cloneRegs(regs)
	exact := true // cur's PC is the interrupted instruction, not a return address
	var frames []Frame
	var prevCFA uint64
	prevSignal := false
	for len(frames) < maxFrames {
		pc := cur.PC()
		f := Frame{PC: pc, Regs: cur, lookup: pc}
		if !exact {
			f.lookup = pc - 1
		}
		f.Image = t.ImageAt(f.lookup)
		if len(frames) > 0 && f.Image == nil {
			break // a return address outside every image: the stack is garbage
		}

		var caller *op.DwarfRegisters
		var err error
		if isSigreturnTrampoline(mem, pc) {
			// The trampoline was not called: the kernel made pc its
			// "return address", so pc itself names it.
			f.SignalFrame, f.lookup = true, pc
			caller, err = signalFrameCaller(cur, mem)
			if err != nil {
				break
			}
			f.CFA = caller.SP()
		} else {
			f.CFA, caller, err = t.callerOf(f.Image, f.lookup, cur, mem, len(frames) == 0)
		}
		// The CFA must grow from frame to frame, or the walk loops; a
		// signal may have switched to another stack (sigaltstack).
		if len(frames) > 0 && !prevSignal && !f.SignalFrame && f.CFA <= prevCFA {
			break
		}
		cur.CFA = int64(f.CFA)
		frames = append(frames, t.describe(f)...)
		if err != nil || caller == nil || caller.PC() == 0 || isOutermost(frames[len(frames)-1].Function) {
			break
		}
		prevCFA, prevSignal = f.CFA, f.SignalFrame
		exact = f.SignalFrame
		cur = caller
	}
	if len(frames) > maxFrames {
		frames = frames[:maxFrames] // inlined frames may overshoot
	}
	return frames, nil
}

// callerOf computes the CFA of the frame whose registers are regs, stopped
// at lookup, and its caller's registers. A nil caller with a nil error means
// the frame is the outermost one (its return address is undefined).
func (t *Table) callerOf(im *Image, lookup uint64, regs *op.DwarfRegisters, mem MemoryReader, innermost bool) (uint64, *op.DwarfRegisters, error) {
	if im != nil {
		fctx, err := im.frames().rowAt(lookup)
		if err != nil {
			return 0, nil, fmt.Errorf("call-frame program of %s at %#x: %w", im.Path, lookup, err)
		}
		if fctx != nil {
			return callerFromCFI(fctx, regs, mem)
		}
	}
	return callerFromFramePointer(regs, mem, innermost)
}

// callerFromCFI applies the rules of one CFI row.
func callerFromCFI(fctx *frame.FrameContext, regs *op.DwarfRegisters, mem MemoryReader) (uint64, *op.DwarfRegisters, error) {
	var cfa uint64
	switch fctx.CFA.Rule {
	case frame.RuleCFA:
		r := regs.Reg(fctx.CFA.Reg)
		if r == nil {
			return 0, nil, fmt.Errorf("CFA is based on register %d, which is not known in this frame", fctx.CFA.Reg)
		}
		cfa = uint64(int64(r.Uint64Val) + fctx.CFA.Offset)
	case frame.RuleExpression:
		v, _, err := op.ExecuteStackProgram(*regs, fctx.CFA.Expression, 8, memFunc(mem))
		if err != nil {
			return 0, nil, fmt.Errorf("CFA expression: %w", err)
		}
		cfa = uint64(v)
	default:
		return 0, nil, fmt.Errorf("unsupported CFA rule %d", fctx.CFA.Rule)
	}
	regs.CFA = int64(cfa)

	raRule, ok := fctx.Regs[fctx.RetAddrReg]
	if !ok || raRule.Rule == frame.RuleUndefined {
		// _start and the thread entry in clone/clone3 mark the return
		// address undefined (cfi_undefined rip): the outermost frame.
		return cfa, nil, nil
	}
	caller := newRegsLike(regs)
	for _, r := range calleeSaved {
		if v := regs.Reg(r); v != nil {
			caller.AddReg(r, op.DwarfRegisterFromUint64(v.Uint64Val))
		}
	}
	caller.AddReg(regSP, op.DwarfRegisterFromUint64(cfa))
	for r, rule := range fctx.Regs {
		v, known, err := applyRule(r, rule, cfa, regs, mem)
		if err != nil {
			if r == fctx.RetAddrReg {
				return cfa, nil, fmt.Errorf("return address: %w", err)
			}
			continue
		}
		dst := r
		if r == fctx.RetAddrReg {
			dst = regPC
		}
		if known {
			caller.AddReg(dst, op.DwarfRegisterFromUint64(v))
		} else if dst < uint64(caller.CurrentSize()) {
			caller.AddReg(dst, nil)
		}
	}
	return cfa, caller, nil
}

// applyRule returns register reg's value in the caller; known is false
// for an undefined register.
func applyRule(reg uint64, rule frame.DWRule, cfa uint64, regs *op.DwarfRegisters, mem MemoryReader) (v uint64, known bool, err error) {
	switch rule.Rule {
	case frame.RuleUndefined:
		return 0, false, nil
	case frame.RuleSameVal:
		// DW_CFA_same_value names no other register: reg keeps its value.
		r := regs.Reg(reg)
		if r == nil {
			return 0, false, nil
		}
		return r.Uint64Val, true, nil
	case frame.RuleOffset:
		v, err := readUint64(mem, uint64(int64(cfa)+rule.Offset))
		return v, err == nil, err
	case frame.RuleValOffset:
		return uint64(int64(cfa) + rule.Offset), true, nil
	case frame.RuleRegister:
		r := regs.Reg(rule.Reg)
		if r == nil {
			return 0, false, nil
		}
		return r.Uint64Val, true, nil
	case frame.RuleExpression, frame.RuleValExpression:
		// DWARF 5 §6.4.2.3: the CFA is pushed before the expression runs.
		prog := append([]byte{byte(op.DW_OP_call_frame_cfa)}, rule.Expression...)
		x, _, err := op.ExecuteStackProgram(*regs, prog, 8, memFunc(mem))
		if err != nil {
			return 0, false, err
		}
		if rule.Rule == frame.RuleValExpression {
			return uint64(x), true, nil
		}
		v, err := readUint64(mem, uint64(x))
		return v, err == nil, err
	}
	return 0, false, fmt.Errorf("unsupported register rule %d", rule.Rule)
}

// callerFromFramePointer unwinds a frame that no CFI covers, assuming the
// usual prologue `push %rbp; mov %rsp,%rbp`. In the innermost frame the PC
// may sit on that prologue, before the frame pointer is set up.
func callerFromFramePointer(regs *op.DwarfRegisters, mem MemoryReader, innermost bool) (uint64, *op.DwarfRegisters, error) {
	sp, bp := regs.SP(), regs.BP()
	var cfa, savedBPAt uint64
	code := make([]byte, 3)
	n, _ := mem.ReadMemory(regs.PC(), code)
	switch {
	case innermost && (n == 0 || code[0] == 0x55):
		// On push %rbp nothing is pushed yet; nor is anything when a call
		// went to an address with no code (a NULL function pointer).
		cfa = sp + 8
	case innermost && n == 3 && code[0] == 0x48 && code[1] == 0x89 && code[2] == 0xe5: // mov %rsp,%rbp: rbp pushed
		cfa, savedBPAt = sp+16, sp
	case bp == 0 || bp < sp:
		// No frame pointer to follow. In the innermost frame of a
		// function that pushed nothing, the return address is still at
		// the top of the stack: glibc's clone3 ends its FDE before the
		// syscall (the child's unwind info would be wrong), so a parent
		// stopped on the syscall's return has no CFI. Take [rsp] when a
		// call instruction ends right before the address it holds.
		if innermost && returnsAfterCall(mem, sp) {
			cfa = sp + 8
			break
		}
		return 0, nil, fmt.Errorf("no call-frame information at %#x and no usable frame pointer (rbp %#x, rsp %#x)", regs.PC(), bp, sp)
	default:
		cfa, savedBPAt = bp+16, bp
	}
	regs.CFA = int64(cfa)
	ra, err := readUint64(mem, cfa-8)
	if err != nil {
		return cfa, nil, fmt.Errorf("return address: %w", err)
	}
	caller := newRegsLike(regs)
	for _, r := range calleeSaved {
		if v := regs.Reg(r); v != nil {
			caller.AddReg(r, op.DwarfRegisterFromUint64(v.Uint64Val))
		}
	}
	if savedBPAt != 0 {
		savedBP, err := readUint64(mem, savedBPAt)
		if err != nil {
			return cfa, nil, fmt.Errorf("saved frame pointer: %w", err)
		}
		caller.AddReg(regBP, op.DwarfRegisterFromUint64(savedBP))
	}
	caller.AddReg(regSP, op.DwarfRegisterFromUint64(cfa))
	caller.AddReg(regPC, op.DwarfRegisterFromUint64(ra))
	return cfa, caller, nil
}

// returnsAfterCall reports whether the word at sp is an address right
// after a call instruction: `call rel32` (e8), or `call *` through a
// register (ff d0-d7), a register with a byte or no displacement, or a
// RIP-relative slot (ff 15, as for -fno-plt calls).
func returnsAfterCall(mem MemoryReader, sp uint64) bool {
	ra, err := readUint64(mem, sp)
	if err != nil || ra < 7 {
		return false
	}
	var code [7]byte
	if n, _ := mem.ReadMemory(ra-7, code[:]); n != len(code) {
		return false
	}
	// code[6] is the byte right before ra.
	switch {
	case code[2] == 0xe8: // call rel32
		return true
	case code[1] == 0xff && code[2] == 0x15: // call *disp32(%rip)
		return true
	case code[5] == 0xff && code[6] >= 0xd0 && code[6] <= 0xd7: // call *%reg
		return true
	case code[4] == 0xff && code[5]&0xf8 == 0x50 && code[5] != 0x54: // call *disp8(%reg)
		return true
	}
	return false
}

// isOutermost reports functions below which there is nothing to unwind
// even though their CFI does not say so: the roots of Go's goroutine and
// thread stacks.
func isOutermost(f *Function) bool {
	if f == nil {
		return false
	}
	switch f.Name {
	case "runtime.goexit", "runtime.mstart", "runtime.rt0_go":
		return true
	}
	return false
}

func newRegsLike(r *op.DwarfRegisters) *op.DwarfRegisters {
	// Room for the general registers and the PC, so AddReg does not grow
	// the slice register by register.
	n := op.NewDwarfRegisters(r.StaticBase, make([]*op.DwarfRegister, regPC+1), r.ByteOrder, r.PCRegNum, r.SPRegNum, r.BPRegNum, r.LRRegNum)
	if n.ByteOrder == nil {
		n.ByteOrder = binary.LittleEndian
	}
	return n
}

// cloneRegs copies the caller's registers so unwinding never changes them.
func cloneRegs(r *op.DwarfRegisters) *op.DwarfRegisters {
	n := newRegsLike(r)
	for i := 0; i < r.CurrentSize(); i++ {
		if v := r.Reg(uint64(i)); v != nil {
			c := *v
			n.AddReg(uint64(i), &c)
		}
	}
	n.CFA, n.FrameBase = r.CFA, r.FrameBase
	return n
}

func readUint64(mem MemoryReader, addr uint64) (uint64, error) {
	var b [8]byte
	if _, err := mem.ReadMemory(addr, b[:]); err != nil {
		return 0, fmt.Errorf("read 8 bytes at %#x: %w", addr, err)
	}
	return binary.LittleEndian.Uint64(b[:]), nil
}

// memFunc adapts a MemoryReader to delve's expression evaluator.
func memFunc(mem MemoryReader) op.ReadMemoryFunc {
	return func(buf []byte, addr uint64) (int, error) { return mem.ReadMemory(addr, buf) }
}
