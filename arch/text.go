package arch

import (
	"fmt"
	"strings"

	"golang.org/x/arch/x86/x86asm"
)

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
	text = gnuScaleOne(i.x86, text)
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
