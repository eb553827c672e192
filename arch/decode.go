package arch

import (
	"errors"
	"fmt"
	"strings"

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

// badText is how objdump shows bytes that are no instruction.
const badText = "(bad)"

// GNU returns the instruction in GNU (AT&T) syntax, as objdump -d prints
// it: "call 0x401126 <helper>", "mov 0x2ed6(%rip),%eax # 0x404010
// <counter>". Symbols come from sym, which may be nil.
func (i Inst) GNU(sym SymbolLookup) string {
	if i.Kind == InstBad {
		return badText
	}
	if i.text != "" {
		return i.text
	}
	text := x86asm.GNUSyntax(i.x86, i.PC, nil)
	// x86asm imitates objdump before binutils 2.37, which wrote callq,
	// retq, leaveq and jmpq in 64-bit mode; today's objdump and gdb write
	// them without the suffix. It also keeps Intel names for two sign
	// extensions that AT&T syntax spells differently.
	if word, rest, _ := strings.Cut(text, " "); gnuNoSuffix[word] != "" {
		text = strings.TrimSpace(gnuNoSuffix[word] + " " + rest)
	}
	if word, rest, _ := strings.Cut(text, " "); gnuImpliedSize[strings.TrimRight(word, "lq")] {
		// BMI and TSX instructions: objdump writes no size suffix.
		text = strings.TrimSpace(strings.TrimRight(word, "lq") + " " + rest)
	}
	switch op := i.x86.Opcode >> 24; {
	case i.x86.Op == x86asm.MOV && (op >= 0xb8 && op <= 0xbf && i.x86.DataSize == 64 || op >= 0xa0 && op <= 0xa3):
		// A 64-bit immediate or absolute address: AT&T's movabs.
		text = "movabs" + strings.TrimPrefix(text, "mov")
	case i.x86.Op == x86asm.CDQE:
		text = "cltq"
	case i.x86.Op == x86asm.MOVSXD && i.x86.DataSize == 64 && strings.HasPrefix(text, "movsxd "):
		text = "movslq " + strings.TrimPrefix(text, "movsxd ")
	}
	return i.annotate(text, sym)
}

// Intel returns the instruction in Intel syntax: "call 0x401126 <helper>",
// "mov eax, dword ptr [rip+0x2ed6] # 0x404010 <counter>". Symbols come from
// sym, which may be nil.
func (i Inst) Intel(sym SymbolLookup) string {
	if i.Kind == InstBad {
		return badText
	}
	if i.text != "" {
		return i.text
	}
	text := x86asm.IntelSyntax(i.x86, i.PC, nil)
	// x86asm names condition codes as Intel's tables do (jnz, setnle,
	// cmovnbe); objdump -M intel, gdb and lldb use the common aliases (jne,
	// setg, cmova).
	if word, rest, _ := strings.Cut(text, " "); word != "" {
		for _, prefix := range []string{"j", "set", "cmov"} {
			if cc, ok := strings.CutPrefix(word, prefix); ok && intelConditionAlias[cc] != "" {
				text = strings.TrimSpace(prefix + intelConditionAlias[cc] + " " + rest)
				break
			}
		}
	}
	return i.annotate(text, sym)
}

var intelConditionAlias = map[string]string{
	"z": "e", "nz": "ne", "nbe": "a", "nb": "ae", "nle": "g", "nl": "ge",
}

var gnuImpliedSize = map[string]bool{
	"andn": true, "bextr": true, "blsi": true, "blsmsk": true, "blsr": true, "bzhi": true, "mulx": true,
	"pdep": true, "pext": true, "rorx": true, "sarx": true, "shlx": true, "shrx": true, "xbegin": true,
}

var gnuNoSuffix = map[string]string{"callq": "call", "retq": "ret", "leaveq": "leave", "jmpq": "jmp"}

// annotate appends the symbol of a direct target, or the address and
// symbol of a RIP-relative operand as a comment, the way objdump does.
func (i Inst) annotate(text string, sym SymbolLookup) string {
	switch {
	case i.Target != 0:
		if s := symbolText(i.Target, sym); s != "" {
			return text + " " + s
		}
	case i.MemAddr != 0:
		var b strings.Builder
		fmt.Fprintf(&b, "%s # %#x", text, i.MemAddr)
		if s := symbolText(i.MemAddr, sym); s != "" {
			b.WriteString(" " + s)
		}
		return b.String()
	}
	return text
}

func symbolText(addr uint64, sym SymbolLookup) string {
	if sym == nil {
		return ""
	}
	name, start := sym(addr)
	if name == "" {
		return ""
	}
	if addr == start {
		return "<" + name + ">"
	}
	return fmt.Sprintf("<%s+%#x>", name, addr-start)
}

// decodeMissing recognises instructions that x86asm (v0.33) decodes wrongly
// or not at all, found by comparing it with objdump over all of libc:
// endbr64/endbr32 (emitted at every function entry under
// -fcf-protection, which x86asm takes for a lone rep prefix), rdpkru and
// wrpkru, and vzeroupper/vzeroall (x86asm reads a ModRM byte they do not
// have, so it gets their length wrong and loses its way after them). It
// returns the instruction's text and length, or 0.
func decodeMissing(code []byte) (string, int) {
	switch {
	case len(code) >= 4 && code[0] == 0xf3 && code[1] == 0x0f && code[2] == 0x1e && code[3] == 0xfa:
		return "endbr64", 4
	case len(code) >= 4 && code[0] == 0xf3 && code[1] == 0x0f && code[2] == 0x1e && code[3] == 0xfb:
		return "endbr32", 4
	case len(code) >= 3 && code[0] == 0x0f && code[1] == 0x01 && code[2] == 0xee:
		return "rdpkru", 3
	case len(code) >= 3 && code[0] == 0x0f && code[1] == 0x01 && code[2] == 0xef:
		return "wrpkru", 3
	case len(code) >= 3 && code[0] == 0xc5 && code[2] == 0x77:
		// Two-byte VEX: R vvvv L pp, with vvvv 1111 and pp 00.
		return vzero(code[1]&0x7b == 0x78, code[1]&0x04 != 0, 3)
	case len(code) >= 4 && code[0] == 0xc4 && code[1]&0x1f == 0x01 && code[3] == 0x77:
		// Three-byte VEX: map 0F; then W vvvv L pp, vvvv 1111, pp 00.
		return vzero(code[2]&0x7b == 0x78, code[2]&0x04 != 0, 4)
	}
	return "", 0
}

func vzero(valid, all bool, n int) (string, int) {
	switch {
	case !valid:
		return "", 0
	case all:
		return "vzeroall", n
	}
	return "vzeroupper", n
}

// fixVEXRIPRelative repairs a VEX or EVEX instruction's memory operand that
// x86asm (v0.33) decodes as an absolute address when the ModRM byte says
// RIP-relative (mod 00, r/m 101 without SIB, which in 64-bit mode always
// means RIP + disp32): "vaddpd 0xf69(%rip),%ymm0,%ymm1" came out as
// "vaddpd 0xf69,%ymm0,%ymm1". Such an operand has no base, no index and,
// unlike the SIB absolute form, no scale.
func fixVEXRIPRelative(raw *x86asm.Inst) {
	vex := false
	for _, p := range raw.Prefix {
		if p == 0 {
			break
		}
		vex = vex || p.IsVEX() || p.IsEVEX()
	}
	if !vex {
		return
	}
	for i, arg := range raw.Args {
		if m, ok := arg.(x86asm.Mem); ok && m.Base == 0 && m.Index == 0 && m.Scale == 0 && m.Segment == 0 {
			m.Base = x86asm.RIP
			raw.Args[i] = m
		}
	}
}
