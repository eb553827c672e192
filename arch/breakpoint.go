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
