package arch

import (
	"errors"
	"fmt"

	"golang.org/x/arch/x86/x86asm"
)

// MaxInstLen is the longest x86-64 instruction in bytes. A caller that
// decodes at an address reads this many bytes to be sure to hold one whole
// instruction.
const MaxInstLen = 15

// InstKind says what an instruction does to the flow of control.
type InstKind int

// The kinds of instructions that matter for stepping.
const (
	// InstOther falls through to the next instruction.
	InstOther InstKind = iota
	// InstCall is a call (near or far, direct or indirect).
	InstCall
	// InstRet is a return (ret, lret).
	InstRet
	// InstJump is an unconditional jump.
	InstJump
	// InstCondJump is a conditional jump: jcc, jrcxz/jecxz, loop, loope,
	// loopne.
	InstCondJump
	// InstSyscall is the syscall instruction.
	InstSyscall
	// InstBad is a byte that does not start a valid instruction (or an
	// instruction cut off by the end of the bytes given); it counts as one
	// byte long.
	InstBad
)

var instKindNames = [...]string{
	InstOther: "other", InstCall: "call", InstRet: "ret", InstJump: "jump",
	InstCondJump: "conditional jump", InstSyscall: "syscall", InstBad: "bad",
}

func (k InstKind) String() string {
	if k >= 0 && int(k) < len(instKindNames) {
		return instKindNames[k]
	}
	return fmt.Sprintf("InstKind(%d)", int(k))
}

// SymbolLookup returns the name of the symbol that contains addr and the
// symbol's start address, or "" when none does. The disassembly text shows
// targets as <name> or <name+0xoff>.
type SymbolLookup func(addr uint64) (name string, start uint64)

// Inst is one decoded instruction.
type Inst struct {
	// PC is the instruction's address.
	PC uint64
	// Len is its length in bytes (1 for InstBad).
	Len int
	// Bytes are its encoding. It aliases the code slice given to Decode.
	Bytes []byte
	Kind  InstKind
	// Target is the destination of a direct call or jump (InstCall,
	// InstJump, InstCondJump with Indirect false), zero otherwise.
	Target uint64
	// Indirect is set for a call or jump whose destination is in a
	// register or in memory, known only when it runs.
	Indirect bool
	// TargetPointer, for an indirect call or jump through a RIP-relative
	// memory operand (a PLT stub's "jmp *GOT(%rip)"), is the address of
	// the 8-byte pointer it jumps through; zero otherwise.
	TargetPointer uint64
	// MemAddr is the address a RIP-relative memory operand refers to
	// (for any instruction), zero when there is none.
	MemAddr uint64
	x86     x86asm.Inst
	// text, when set, is the whole text of an instruction x86asm cannot
	// decode (see decodeMissing); it reads the same in both syntaxes.
	text string
}

// ErrBadInstruction is wrapped by Decode's error for bytes that are not a
// valid instruction.
var ErrBadInstruction = errors.New("not a valid x86-64 instruction")

// Decode decodes the instruction at the start of code, which is at address
// pc. Bytes that are not a valid instruction, or an instruction cut off by
// the end of code, give an InstBad of length 1 together with an error
// wrapping ErrBadInstruction, so a caller can show it and advance one byte.
func Decode(code []byte, pc uint64) (Inst, error) {
	if name, n := decodeMissing(code); n > 0 {
		return Inst{PC: pc, Len: n, Bytes: code[:n], text: name}, nil
	}
	raw, err := x86asm.Decode(code, 64)
	if err == nil && raw.Op == 0 {
		// x86asm reports prefixes with no instruction after them (an
		// instruction cut off by the end of code, or one it does not know
		// after a prefix) as Op 0 without an error.
		err = errors.New("unrecognized or truncated instruction")
	}
	if err != nil || raw.Len == 0 {
		bad := Inst{PC: pc, Len: 1, Kind: InstBad}
		if len(code) == 0 {
			return Inst{PC: pc, Kind: InstBad}, fmt.Errorf("decoding at %#x: no bytes: %w", pc, ErrBadInstruction)
		}
		bad.Bytes = code[:1]
		return bad, fmt.Errorf("decoding % x at %#x: %v: %w", code[:min(len(code), MaxInstLen)], pc, err, ErrBadInstruction)
	}
	fixVEXRIPRelative(&raw)
	inst := Inst{PC: pc, Len: raw.Len, Bytes: code[:raw.Len], x86: raw}
	next := pc + uint64(raw.Len)
	for _, arg := range raw.Args {
		if m, ok := arg.(x86asm.Mem); ok && m.Base == x86asm.RIP {
			inst.MemAddr = next + uint64(m.Disp)
		}
	}
	switch raw.Op {
	case x86asm.CALL, x86asm.LCALL:
		inst.Kind = InstCall
	case x86asm.RET, x86asm.LRET:
		inst.Kind = InstRet
	case x86asm.JMP, x86asm.LJMP:
		inst.Kind = InstJump
	case x86asm.JA, x86asm.JAE, x86asm.JB, x86asm.JBE, x86asm.JE, x86asm.JNE,
		x86asm.JG, x86asm.JGE, x86asm.JL, x86asm.JLE, x86asm.JO, x86asm.JNO,
		x86asm.JP, x86asm.JNP, x86asm.JS, x86asm.JNS,
		x86asm.JCXZ, x86asm.JECXZ, x86asm.JRCXZ,
		x86asm.LOOP, x86asm.LOOPE, x86asm.LOOPNE:
		inst.Kind = InstCondJump
	case x86asm.SYSCALL:
		inst.Kind = InstSyscall
	}
	if inst.Kind == InstCall || inst.Kind == InstJump || inst.Kind == InstCondJump {
		switch a := raw.Args[0].(type) {
		case x86asm.Rel:
			inst.Target = next + uint64(int64(a))
		case x86asm.Mem:
			inst.Indirect = true
			if a.Base == x86asm.RIP && a.Index == 0 {
				inst.TargetPointer = inst.MemAddr
			}
		default:
			inst.Indirect = true
		}
	}
	return inst, nil
}

// DecodeRange decodes every instruction in code, which starts at address
// pc, for disassembly. Undecodable bytes become InstBad instructions of one
// byte each, and decoding goes on after them.
func DecodeRange(code []byte, pc uint64) []Inst {
	// x86-64 code averages under 4 bytes an instruction; growing this slice
	// of large structs costs more than decoding, so start generously.
	insts := make([]Inst, 0, len(code)/3+4)
	for off := 0; off < len(code); {
		inst, _ := Decode(code[off:], pc+uint64(off))
		insts = append(insts, inst)
		off += inst.Len
	}
	return insts
}

// IsCall reports whether the instruction is a call.
func (i Inst) IsCall() bool { return i.Kind == InstCall }

// IsRet reports whether the instruction is a return.
func (i Inst) IsRet() bool { return i.Kind == InstRet }

// IsJump reports whether the instruction is a jump, conditional or not.
func (i Inst) IsJump() bool { return i.Kind == InstJump || i.Kind == InstCondJump }
