package arch

import (
	"strings"

	"golang.org/x/arch/x86/x86asm"
)

// gnuScaleOne writes an explicit index scale of 1 as today's objdump and
// gdb do, "(%rdx,%rax,1)", where x86asm follows binutils before 2.37 and
// writes "(%rdx,%rax)". 16-bit addressing has no scale and keeps its form.
func gnuScaleOne(inst x86asm.Inst, text string) string {
	for _, arg := range inst.Args {
		m, ok := arg.(x86asm.Mem)
		if !ok || m.Index == 0 || m.Scale != 1 || (x86asm.AX <= m.Base && m.Base <= x86asm.DI) {
			continue
		}
		base := ""
		if m.Base != 0 {
			base = gnuRegName(m.Base)
		}
		pair := "(" + base + "," + gnuRegName(m.Index) + ")"
		text = strings.Replace(text, pair, pair[:len(pair)-1]+",1)", 1)
	}
	return text
}

// gnuRegName spells an address register as AT&T syntax does: x86asm calls
// the 32-bit r8-r15 R8L...R15L, AT&T %r8d...%r15d.
func gnuRegName(r x86asm.Reg) string {
	name := strings.ToLower(r.String())
	if x86asm.R8L <= r && r <= x86asm.R15L {
		name = strings.TrimSuffix(name, "l") + "d"
	}
	return "%" + name
}
