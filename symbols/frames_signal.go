package symbols

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/go-delve/delve/pkg/dwarf/op"
	"github.com/go-delve/delve/pkg/dwarf/regnum"
)

// sigreturnCode is glibc's x86-64 __restore_rt, the trampoline a signal
// handler returns into: `mov $15,%rax` (rt_sigreturn) then `syscall`. It is
// recognised by its bytes because a stripped libc exports no symbol for it.
var sigreturnCode = []byte{0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05}

func isSigreturnTrampoline(mem MemoryReader, pc uint64) bool {
	buf := make([]byte, len(sigreturnCode))
	n, err := mem.ReadMemory(pc, buf)
	return err == nil && n == len(buf) && bytes.Equal(buf, sigreturnCode)
}

// The kernel's rt_sigframe (arch/x86/include/asm/sigframe.h) starts with
// the handler's return address (pretcode), which the handler's `ret` pops,
// so at __restore_rt the stack pointer points at the ucontext that follows
// it. Its uc_mcontext (struct sigcontext, asm/sigcontext.h) starts after
// uc_flags, uc_link and the 24-byte uc_stack.
const ucontextMcontext = 8 + 8 + 24

// sigcontextRegs lists, in struct sigcontext order, the DWARF numbers of
// the general registers the kernel saved: r8-r15, rdi, rsi, rbp, rbx, rdx,
// rax, rcx, rsp, rip.
var sigcontextRegs = []uint64{
	regnum.AMD64_R8, regnum.AMD64_R9, regnum.AMD64_R10, regnum.AMD64_R11,
	regnum.AMD64_R12, regnum.AMD64_R13, regnum.AMD64_R14, regnum.AMD64_R15,
	regnum.AMD64_Rdi, regnum.AMD64_Rsi, regnum.AMD64_Rbp, regnum.AMD64_Rbx,
	regnum.AMD64_Rdx, regnum.AMD64_Rax, regnum.AMD64_Rcx, regnum.AMD64_Rsp,
	regnum.AMD64_Rip,
}

// signalFrameCaller returns the registers of the code a signal interrupted,
// as the kernel saved them in the signal frame at regs' stack pointer.
func signalFrameCaller(regs *op.DwarfRegisters, mem MemoryReader) (*op.DwarfRegisters, error) {
	at := regs.SP() + ucontextMcontext
	buf := make([]byte, 8*len(sigcontextRegs))
	if _, err := mem.ReadMemory(at, buf); err != nil {
		return nil, fmt.Errorf("signal frame: read the saved registers at %#x: %w", at, err)
	}
	caller := newRegsLike(regs)
	for i, r := range sigcontextRegs {
		caller.AddReg(r, op.DwarfRegisterFromUint64(binary.LittleEndian.Uint64(buf[8*i:])))
	}
	return caller, nil
}
