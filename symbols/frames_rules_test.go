package symbols

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/go-delve/delve/pkg/dwarf/frame"
	"github.com/go-delve/delve/pkg/dwarf/op"
	"github.com/go-delve/delve/pkg/dwarf/regnum"
)

// stackBytes is a stretch of stack for the rule tests: words at base.
type stackBytes struct {
	base  uint64
	words []uint64
}

func (s stackBytes) ReadMemory(addr uint64, buf []byte) (int, error) {
	b := make([]byte, 8*len(s.words))
	for i, w := range s.words {
		binary.LittleEndian.PutUint64(b[8*i:], w)
	}
	if addr < s.base || addr+uint64(len(buf)) > s.base+uint64(len(b)) {
		return 0, fmt.Errorf("%#x is outside the test stack", addr)
	}
	return copy(buf, b[addr-s.base:]), nil
}

// Every CFI register rule on one row: the caller's registers must come out
// as DWARF 5 §6.4.1 defines them.
func TestCallerFromCFIRules(t *testing.T) {
	const sp = 0x7000
	mem := stackBytes{base: sp, words: []uint64{0x1111, 0x2222, 0x3333, 0x401000}} // return address at sp+24
	regs := op.NewDwarfRegisters(0, make([]*op.DwarfRegister, regPC+1), binary.LittleEndian, regPC, regSP, regBP, 0)
	for r, v := range map[uint64]uint64{regSP: sp, regBP: 0xb0b0, regnum.AMD64_Rbx: 0xbbbb, regnum.AMD64_R12: 0xc12, regnum.AMD64_R13: 0xc13, regnum.AMD64_Rax: 0xaaaa, regPC: 0x400500} {
		regs.AddReg(r, op.DwarfRegisterFromUint64(v))
	}
	row := &frame.FrameContext{
		CFA:        frame.DWRule{Rule: frame.RuleCFA, Reg: regSP, Offset: 32}, // CFA = sp+32
		RetAddrReg: regPC,
		Regs: map[uint64]frame.DWRule{
			regPC:            {Rule: frame.RuleOffset, Offset: -8},                         // *(CFA-8)
			regBP:            {Rule: frame.RuleOffset, Offset: -16},                        // *(CFA-16)
			regnum.AMD64_Rbx: {Rule: frame.RuleSameVal},                                    // unchanged
			regnum.AMD64_R12: {Rule: frame.RuleRegister, Reg: regnum.AMD64_Rax},            // was in rax
			regnum.AMD64_R13: {Rule: frame.RuleValOffset, Offset: -32},                     // CFA-32 itself
			regnum.AMD64_R14: {Rule: frame.RuleExpression, Expression: []byte{0x48, 0x1c}}, // *(CFA-24): lit24, minus
			regnum.AMD64_R15: {Rule: frame.RuleUndefined},
		},
	}
	cfa, caller, err := callerFromCFI(row, regs, mem)
	if err != nil {
		t.Fatal(err)
	}
	if cfa != sp+32 {
		t.Errorf("CFA %#x, want %#x", cfa, sp+32)
	}
	for _, c := range []struct {
		reg  uint64
		want uint64
	}{
		{regPC, 0x401000}, {regSP, sp + 32}, {regBP, 0x3333}, {regnum.AMD64_Rbx, 0xbbbb},
		{regnum.AMD64_R12, 0xaaaa}, {regnum.AMD64_R13, sp}, {regnum.AMD64_R14, 0x2222},
	} {
		if r := caller.Reg(c.reg); r == nil || r.Uint64Val != c.want {
			t.Errorf("caller register %d = %v, want %#x", c.reg, r, c.want)
		}
	}
	if r := caller.Reg(regnum.AMD64_R15); r != nil {
		t.Errorf("r15 is undefined in the caller, got %#x", r.Uint64Val)
	}
	if r := caller.Reg(regnum.AMD64_Rax); r != nil {
		t.Errorf("rax is caller-saved and has no rule: want it unknown, got %#x", r.Uint64Val)
	}

	// An undefined return address is the outermost frame.
	row.Regs[regPC] = frame.DWRule{Rule: frame.RuleUndefined}
	if _, caller, err := callerFromCFI(row, regs, mem); caller != nil || err != nil {
		t.Errorf("undefined return address: caller %v, error %v; want neither", caller, err)
	}
}
