package arch

import (
	"debug/elf"
	"fmt"
	"strings"
	"testing"

	"github.com/dapproc/dapproc/internal/fixture"
	"github.com/dapproc/dapproc/tracer"
	"golang.org/x/arch/x86/x86asm"
)

// TestBranchTargetPredictsTheStep stops before each kind of branch in a
// real process, predicts the destination with BranchTarget, single-steps
// the branch, and checks that the PC landed there.
func TestBranchTargetPredictsTheStep(t *testing.T) {
	binary := fixture.C(t, "arch_branch.c", "-no-pie")
	symbols := map[string]uint64{}
	f, err := elf.Open(binary)
	if err != nil {
		t.Fatal(err)
	}
	syms, err := f.Symbols()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range syms {
		symbols[s.Name] = s.Value
	}
	cases := []struct {
		kind     InstKind
		indirect bool
		target   string // the symbol it must reach, or "" when only the step tells
		pointer  string // the symbol a RIP-relative pointer operand names
	}{
		{InstCall, true, "t_reg", ""},
		{InstCall, true, "t_mem", ""},
		{InstCall, true, "t_rip", "pointer"},
		{InstCall, false, "t_direct", ""},
		{InstRet, false, "", ""},
		{InstCondJump, false, "", ""},
		{InstJump, false, "", ""},
	}
	withTracee(t, binary, func(m *miniTracer) error {
		for i, want := range cases {
			if err := m.cont(); err != nil {
				return fmt.Errorf("case %d: %w", i, err)
			}
			before, err := m.regs()
			if err != nil {
				return err
			}
			code := make([]byte, MaxInstLen)
			if _, err := m.ReadMemory(before.Rip, code); err != nil {
				return err
			}
			inst, err := Decode(code, before.Rip)
			if err != nil {
				return err
			}
			where := fmt.Sprintf("case %d %q at %#x", i, inst.GNU(nil), inst.PC)
			if inst.Kind != want.kind || inst.Indirect != want.indirect {
				t.Errorf("%s: kind %v indirect %v; want %v %v", where, inst.Kind, inst.Indirect, want.kind, want.indirect)
			}
			if want.pointer != "" && inst.TargetPointer != symbols[want.pointer] {
				t.Errorf("%s: TargetPointer %#x; want %s at %#x", where, inst.TargetPointer, want.pointer, symbols[want.pointer])
			}
			predicted, err := inst.BranchTarget(&before, m)
			if err != nil {
				t.Errorf("%s: %v", where, err)
				continue
			}
			if want.target != "" && predicted != symbols[want.target] {
				t.Errorf("%s: predicted %#x; want %s at %#x", where, predicted, want.target, symbols[want.target])
			}
			if err := m.step(); err != nil {
				return err
			}
			after, err := m.regs()
			if err != nil {
				return err
			}
			if after.Rip != predicted {
				t.Errorf("%s: predicted %#x, but the step went to %#x", where, predicted, after.Rip)
			}
			if i == 4 { // the ret: its failure modes, on the same stop
				broken := before
				broken.Rsp = 0
				if _, err := inst.BranchTarget(&broken, m); err == nil || !strings.Contains(err.Error(), "at 0x0") {
					t.Errorf("%s with rsp 0: error %v; want one naming address 0x0", where, err)
				}
			}
		}
		return nil
	})
}

func TestBranchTargetOfOtherInstructions(t *testing.T) {
	nop, err := Decode([]byte{0x90}, 0x1000)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nop.BranchTarget(nil, nil); err == nil {
		t.Error("BranchTarget of nop succeeded; want an error")
	}
}

// TestEffectiveAddressForms covers the address forms the live test's
// fixture does not: segment bases (thread-local storage) and 32-bit
// addressing.
func TestEffectiveAddressForms(t *testing.T) {
	regs := tracer.Regs{FsBase: 0x7f0000001000, GsBase: 0x7f0000009000, Rax: 0x100002000, Rbx: 0x5000, Rsi: 3}
	for _, tc := range []struct {
		code []byte
		want uint64
	}{
		{[]byte{0x64, 0xff, 0x14, 0x25, 0x10, 0x00, 0x00, 0x00}, 0x7f0000001010}, // call *%fs:0x10
		{[]byte{0x65, 0xff, 0x24, 0x25, 0x28, 0x00, 0x00, 0x00}, 0x7f0000009028}, // jmp *%gs:0x28
		{[]byte{0x67, 0xff, 0x10}, 0x2000},                                       // call *(%eax): 32-bit address
		{[]byte{0xff, 0x54, 0xf3, 0xf8}, 0x5000 + 3*8 - 8},                       // call *-0x8(%rbx,%rsi,8)
	} {
		inst, err := Decode(tc.code, 0x401000)
		if err != nil {
			t.Fatalf("Decode(% x): %v", tc.code, err)
		}
		m, ok := inst.x86.Args[0].(x86asm.Mem)
		if !ok || !inst.Indirect {
			t.Fatalf("%s: not an indirect branch through memory", inst.GNU(nil))
		}
		if got, err := inst.effectiveAddress(&regs, m); err != nil || got != tc.want {
			t.Errorf("%s: address %#x, %v; want %#x", inst.GNU(nil), got, err, tc.want)
		}
	}
}
