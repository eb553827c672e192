package symbols

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/go-delve/delve/pkg/dwarf/op"
)

// regions is memory made of a few byte runs, for unwinding without CFI.
type regions map[uint64][]byte

func (m regions) ReadMemory(addr uint64, buf []byte) (int, error) {
	for base, b := range m {
		if addr >= base && addr+uint64(len(buf)) <= base+uint64(len(b)) {
			return copy(buf, b[addr-base:]), nil
		}
	}
	return 0, fmt.Errorf("%#x is not mapped in the test", addr)
}

// The parent side of glibc's clone3 has no CFI after its syscall and no
// frame pointer: the caller is found from the return address at [rsp],
// and only when a call instruction ends right before it.
func TestCallerWithoutCFIOrFramePointer(t *testing.T) {
	const (
		sp     = 0x7ff000
		pc     = 0x500010 // test %rax,%rax after the syscall
		caller = 0x400105 // just after the call in the caller
	)
	stack := make([]byte, 16)
	binary.LittleEndian.PutUint64(stack, caller)
	for _, c := range []struct {
		name      string
		callBytes []byte // the bytes that end at caller
		innermost bool
		ok        bool
	}{
		{"call rel32", []byte{0xe8, 0x10, 0x20, 0x30, 0x00}, true, true},
		{"call *%rbx", []byte{0x90, 0x90, 0x90, 0xff, 0xd3}, true, true},
		{"call *0x8(%rax)", []byte{0x90, 0x90, 0xff, 0x50, 0x08}, true, true},
		{"call *disp32(%rip)", []byte{0xff, 0x15, 0x00, 0x10, 0x00, 0x00}, true, true},
		{"no call before the address", []byte{0x90, 0x90, 0x90, 0x90, 0x90}, true, false},
		{"not the innermost frame", []byte{0xe8, 0x10, 0x20, 0x30, 0x00}, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			code := append(make([]byte, 7-len(c.callBytes)), c.callBytes...)
			mem := regions{sp: stack, pc: {0x48, 0x85, 0xc0}, caller - 7: code}
			regs := op.NewDwarfRegisters(0, make([]*op.DwarfRegister, regPC+1), binary.LittleEndian, regPC, regSP, regBP, 0)
			regs.AddReg(regSP, op.DwarfRegisterFromUint64(sp))
			regs.AddReg(regBP, op.DwarfRegisterFromUint64(0))
			regs.AddReg(regPC, op.DwarfRegisterFromUint64(pc))
			cfa, up, err := callerFromFramePointer(regs, mem, c.innermost)
			if !c.ok {
				if err == nil {
					t.Fatalf("unwound to %#x, want an error", up.PC())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfa != sp+8 || up.PC() != caller || up.SP() != sp+8 {
				t.Errorf("CFA %#x, caller pc %#x sp %#x; want %#x, %#x, %#x", cfa, up.PC(), up.SP(), sp+8, caller, sp+8)
			}
		})
	}
}
