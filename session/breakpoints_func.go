package session

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/google/go-dap"

	"github.com/dapproc/dapproc/arch"
	"github.com/dapproc/dapproc/symbols"
)

// SetFunctionBreakpoints replaces every function breakpoint and returns
// them in the order asked. A name that matches no function in the loaded
// images answers verified:false with the reason, and is bound later (with
// a `breakpoint` event) if a library loaded afterwards has it.
func (s *Session) SetFunctionBreakpoints(asked []dap.FunctionBreakpoint) ([]dap.Breakpoint, error) {
	for _, a := range asked {
		if strings.TrimSpace(a.Name) == "" {
			return nil, fmt.Errorf(`setFunctionBreakpoints: every breakpoint needs "name", the function's name`)
		}
	}
	resume := s.halt()
	now, out := s.replace(s.bps.functions, len(asked),
		func(bp *breakpoint) string { return bp.name },
		func(i int) (*breakpoint, conditionSpec) {
			a := asked[i]
			return &breakpoint{kind: functionBP, name: strings.TrimSpace(a.Name)},
				conditionSpec{condition: a.Condition, hitCondition: a.HitCondition}
		})
	s.bps.functions = now
	if resume {
		s.continueAfterHalt()
	}
	return out, nil
}

// SetInstructionBreakpoints replaces every instruction breakpoint and
// returns them in the order asked. Each is at instructionReference (an
// address, "0x401136") plus offset bytes.
func (s *Session) SetInstructionBreakpoints(asked []dap.InstructionBreakpoint) ([]dap.Breakpoint, error) {
	resume := s.halt()
	now, out := s.replace(s.bps.instructions, len(asked),
		func(bp *breakpoint) string { return bp.ref + "+" + strconv.Itoa(bp.offset) },
		func(i int) (*breakpoint, conditionSpec) {
			a := asked[i]
			return &breakpoint{kind: instructionBP, ref: a.InstructionReference, offset: a.Offset},
				conditionSpec{condition: a.Condition, hitCondition: a.HitCondition}
		})
	s.bps.instructions = now
	if resume {
		s.continueAfterHalt()
	}
	return out, nil
}

// functionAddresses returns where a breakpoint on the function called
// name goes: the body entry of each function of that name and each of its
// inlined copies. The executable is searched first, alone, as for lines
// (lineAddresses says why); the libraries only for a name it lacks.
func (s *Session) functionAddresses(name string) ([]uint64, error) {
	if exe := s.table.Executable(); exe != nil {
		only := symbols.NewTable()
		only.Add(exe)
		if _, addrs, err := only.FunctionAddresses(name); err == nil {
			return addrs, nil
		}
	}
	_, addrs, err := s.table.FunctionAddresses(name)
	return addrs, err
}

// instructionAddress parses an instructionReference (hexadecimal with 0x,
// as stackTrace and disassemble hand them out, or decimal) plus offset.
func instructionAddress(ref string, offset int) (uint64, error) {
	base, err := strconv.ParseUint(strings.TrimSpace(ref), 0, 64)
	if err != nil {
		return 0, fmt.Errorf("instructionReference %q is not an address: give it as hexadecimal such as 0x401136", ref)
	}
	addr := base + uint64(int64(offset))
	if offset < 0 && uint64(-int64(offset)) > base || offset > 0 && addr < base {
		return 0, fmt.Errorf("instructionReference %s with offset %d is outside the address space", ref, offset)
	}
	return addr, nil
}

// checkInstructionStart returns an error if addr is inside an instruction
// of the function around it (decoded from the function's entry): an int3
// there would change what that instruction does. Code outside any known
// function, or that does not decode, is not checked.
func (s *Session) checkInstructionStart(addr uint64) error {
	fn, ok := s.table.FunctionAt(addr)
	if !ok || addr <= fn.Entry || addr >= fn.End || addr-fn.Entry > maxCheckedOffset {
		return nil
	}
	code := make([]byte, addr-fn.Entry+arch.MaxInstLen)
	n, _ := s.proc.ReadMemory(fn.Entry, code)
	code = code[:n]
	for pc := fn.Entry; pc < addr; {
		inst, err := arch.Decode(code[pc-fn.Entry:], pc)
		if err != nil {
			return nil
		}
		if pc+uint64(inst.Len) > addr {
			return fmt.Errorf("%#x is inside the %d-byte instruction at %#x: an instruction breakpoint goes on an instruction's first byte", addr, inst.Len, pc)
		}
		pc += uint64(inst.Len)
	}
	return nil
}

// maxCheckedOffset bounds the decoding done by checkInstructionStart.
const maxCheckedOffset = 1 << 16
