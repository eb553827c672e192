package arch

// breakpointInstruction is int3, the one-byte form of "int $3".
var breakpointInstruction = [...]byte{0xCC}

// BreakpointInstruction returns the bytes written over the first byte of an
// instruction to set a software breakpoint (int3, 0xCC). The caller owns the
// returned slice.
func BreakpointInstruction() []byte {
	b := breakpointInstruction
	return b[:]
}

// BreakpointLen is the length in bytes of BreakpointInstruction.
const BreakpointLen = len(breakpointInstruction)

// BreakpointPCRewind is how far the PC has moved past the breakpoint
// address when the trap is reported: int3 is a trap, not a fault, so the
// kernel reports the SIGTRAP with the PC after the 0xCC byte. The tracer
// subtracts this to find the breakpoint address and to set the PC back
// before the original instruction runs.
const BreakpointPCRewind = 1

// BreakpointAddr returns the address of the breakpoint that trapped, given
// the PC reported with the SIGTRAP.
func BreakpointAddr(pcAfterTrap uint64) uint64 {
	return pcAfterTrap - BreakpointPCRewind
}

// syscallInstruction is the syscall instruction, 0F 05.
var syscallInstruction = [...]byte{0x0f, 0x05}

// SyscallInstruction returns the bytes of the syscall instruction, which a
// tracer recognises before the PC to know a thread stopped just after a
// system call (for restarting it after a signal, the PC goes back by
// SyscallLen). The caller owns the returned slice.
func SyscallInstruction() []byte {
	b := syscallInstruction
	return b[:]
}

// SyscallLen is the length in bytes of SyscallInstruction.
const SyscallLen = len(syscallInstruction)
