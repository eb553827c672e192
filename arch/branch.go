package arch

import (
	"encoding/binary"
	"fmt"

	"github.com/dapproc/dapproc/tracer"
	"golang.org/x/arch/x86/x86asm"
)

// MemoryReader reads the debuggee's memory; tracer.Process satisfies it.
type MemoryReader interface {
	ReadMemory(addr uint64, buf []byte) (int, error)
}

// BranchTarget returns where a call, jump or return transfers control when
// it runs with the registers regs: the Target of a direct call or jump; the
// register or the 8 bytes in memory that an indirect one goes through; for
// a return, the address on top of the stack. For a conditional jump it is
// the address taken when the condition holds. The stepping code uses it to
// decide whether a call leads into code with line information before
// running it. Memory is read only for indirect operands and returns.
func (i Inst) BranchTarget(regs *tracer.Regs, mem MemoryReader) (uint64, error) {
	switch i.Kind {
	case InstRet:
		if i.x86.Op != x86asm.RET {
			return 0, fmt.Errorf("%s at %#x: far return targets are not supported", i.GNU(nil), i.PC)
		}
		return readPointer(mem, regs.Rsp)
	case InstCall, InstJump, InstCondJump:
	default:
		return 0, fmt.Errorf("%s at %#x is not a call, jump or return", i.GNU(nil), i.PC)
	}
	if !i.Indirect {
		return i.Target, nil
	}
	if i.x86.Op == x86asm.LCALL || i.x86.Op == x86asm.LJMP {
		return 0, fmt.Errorf("%s at %#x: far call and jump targets are not supported", i.GNU(nil), i.PC)
	}
	switch a := i.x86.Args[0].(type) {
	case x86asm.Reg:
		return gprValue(regs, a)
	case x86asm.Mem:
		addr, err := i.effectiveAddress(regs, a)
		if err != nil {
			return 0, err
		}
		return readPointer(mem, addr)
	}
	return 0, fmt.Errorf("%s at %#x: unexpected operand %v", i.GNU(nil), i.PC, i.x86.Args[0])
}

// effectiveAddress computes segment base + base + index*scale + disp.
func (i Inst) effectiveAddress(regs *tracer.Regs, m x86asm.Mem) (uint64, error) {
	addr := uint64(m.Disp)
	switch m.Segment {
	case 0, x86asm.CS, x86asm.DS, x86asm.ES, x86asm.SS: // base 0 in 64-bit mode
	case x86asm.FS:
		addr += regs.FsBase
	case x86asm.GS:
		addr += regs.GsBase
	}
	if m.Base == x86asm.RIP {
		addr += i.PC + uint64(i.Len)
	} else if m.Base != 0 {
		v, err := gprValue(regs, m.Base)
		if err != nil {
			return 0, err
		}
		addr += v
	}
	if m.Index != 0 {
		v, err := gprValue(regs, m.Index)
		if err != nil {
			return 0, err
		}
		addr += v * uint64(m.Scale)
	}
	if i.x86.AddrSize == 32 {
		addr &= 0xffffffff
	}
	return addr, nil
}

// x86asmGPRNames are the 64-bit registers in x86asm's (the encoding's)
// order, which its 32-bit registers share.
var x86asmGPRNames = [16]string{"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"}

// gprValue reads an x86asm register operand of 64 or 32 bits (the sizes
// an address or a 64-bit-mode branch can use).
func gprValue(regs *tracer.Regs, r x86asm.Reg) (uint64, error) {
	switch {
	case r >= x86asm.RAX && r <= x86asm.R15:
		reg, _ := LookupRegister(x86asmGPRNames[r-x86asm.RAX])
		return reg.Get(regs), nil
	case r >= x86asm.EAX && r <= x86asm.R15L:
		reg, _ := LookupRegister(x86asmGPRNames[r-x86asm.EAX])
		return reg.Get(regs) & 0xffffffff, nil
	}
	return 0, fmt.Errorf("register %v cannot hold an address", r)
}

func readPointer(mem MemoryReader, addr uint64) (uint64, error) {
	var buf [8]byte
	if n, err := mem.ReadMemory(addr, buf[:]); err != nil || n != len(buf) {
		if err == nil {
			err = fmt.Errorf("short read of %d bytes", n)
		}
		return 0, fmt.Errorf("reading the branch target pointer at %#x: %w", addr, err)
	}
	return binary.LittleEndian.Uint64(buf[:]), nil
}
