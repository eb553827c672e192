// Package arch holds the facts about the x86-64 (amd64) processor that the
// tracer, the symbols package and the session need: the software breakpoint
// instruction and the PC rewind after it, the general-purpose register set
// with gdb's names and the DWARF register numbers of the System V ABI (from
// delve's pkg/dwarf/regnum), the decoding of the XSAVE area (x87, SSE, AVX),
// and instruction decoding with golang.org/x/arch/x86/x86asm (length,
// call/return/jump targets for stepping, Intel and GNU text for
// disassembly).
//
// Goroutines: none. Every function is pure (it reads only its arguments and
// immutable package tables) and is safe to call from any goroutine at any
// time; the one exception, Inst.BranchTarget, also reads the debuggee's
// memory through the MemoryReader it is given, on the caller's goroutine,
// so it follows that reader's rules (for a tracer.Process: stopped, driven
// by one goroutine). Values returned by this package are owned by the
// caller, except Inst.Bytes, which aliases the bytes given to Decode.
//
// Only amd64 exists today. Names that would differ on another architecture
// (the register table, the breakpoint bytes) are grouped per file, so an
// arm64 twin can be added beside each file.
package arch
